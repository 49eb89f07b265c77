// Linked (--pre-js) into the C tests and benchmarks of the WASM builds: Emscripten's getenv()
// sees only its own defaults, so hand over the settings the native twins read from the shell
// (ES_SHARED, ES_REF, ES_TEST_MODELS), which tools/studio sets when it runs them. The datasets'
// place is read when the tests run, never compiled in, so moving it does not rebuild.
// (A program that never calls getenv() has no ENV at all.)
Module['preRun'] = [].concat(Module['preRun'] || [], function () {
  if (typeof ENV === 'undefined') return;
  for (const k of ['ES_SHARED', 'ES_REF', 'ES_TEST_MODELS']) if (process.env[k] !== undefined) ENV[k] = process.env[k];
});
