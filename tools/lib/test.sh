# `tools/studio test`: build everything, make the peers' reference data, run ctest and
# node --test. Exits non-zero when anything fails. Sourced by tools/studio.

ES_SHARED=${ES_SHARED:-$(cd "$ES_ROOT/.." && pwd)/shared}
export ES_SHARED

# The independent peers the reference data and the synthetic models' answers come from.
ES_PEER_PACKAGES=(python3-pil python3-opencv python3-numpy)
# G'MIC (Colors > Color Balance), a peer of `tools/studio eval fade` only: the tests and the
# benchmarks do not install it.
ES_FADE_PEER_PACKAGES=(gmic)
# G'MIC's inpaint_pde and inpaint_matchpatch, peers of `tools/studio eval repair` only.
ES_REPAIR_PEER_PACKAGES=(gmic)

# Pillow and OpenCV answers for the tests, remade when the scripts that write them or what
# ../shared offers change. What needs no dataset (the Lab grid, colour and resize on a photo
# made by code) is always written; the datasets present add PngSuite, JPEG, EXIF and Kodak.
make_references() {
  local out="$ES_BUILD/ref" key
  ensure_apt "${ES_PEER_PACKAGES[@]}"
  [ -d "$ES_SHARED/datasets" ] || say "$ES_SHARED is absent: the conformance and Kodak comparisons will be skipped"
  key=$({ cat "$ES_ROOT/tests/ref/make_refs.py" "$ES_ROOT/tests/ref/scene.py"
          ls -d "$ES_SHARED/datasets/conformance/"* "$ES_SHARED/datasets/kodak/kodim03.png" "$ES_SHARED/datasets/kodak/kodim23.png" 2>/dev/null || true; } | sha256sum | cut -c1-16)
  [ "$(cat "$out/STAMP" 2>/dev/null)" = "$key" ] && return 0
  say "writing reference data (Pillow, OpenCV) to $out"
  rm -rf "$out"; mkdir -p "$out"
  "$ES_PY" "$ES_ROOT/tests/ref/make_refs.py" "$ES_SHARED" "$out" >/dev/null || die "making reference data failed"
  echo "$key" >"$out/STAMP"
}

# The browser engines the page is tested in, all Debian's (never a downloaded browser build):
# Chromium, Firefox ESR, and WebKitGTK's MiniBrowser with its WebDriver (under Xvfb).
ES_BROWSERS=(chromium firefox-esr webkit2gtk-driver xvfb)

# The browsers plus their drivers from npm (playwright-core, puppeteer-core,
# selenium-webdriver; axe-core).
ensure_browser_tests() {
  ensure_apt "${ES_BROWSERS[@]}"
  local dir="$ES_ROOT/tests/browser"
  if [ ! -d "$dir/node_modules/playwright-core" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing the browser tests' npm packages (playwright-core, puppeteer-core, selenium-webdriver, axe-core)"
    (cd "$dir" && npm ci --no-audit --no-fund >/dev/null) || die "npm ci in tests/browser failed"
  fi
}

# Synthetic colorization models in the genuine Caffe format (tests only: their colours are
# noise), the first converted to int8 by the native CLI (the engine tests load it from disk),
# and OpenCV DNN's outputs on them, remade when the scripts, the network or what
# ../shared offers change. The network definition and the bin centres come from the native
# CLI (the table its reader checks), so nothing here needs ../shared; net_refs.py checks them
# against the authors' files when those are present.
make_test_models() {
  local out="$ES_BUILD/test-models" cli="$ES_BUILD/native/studio-cli" key proto bins
  ensure_apt "${ES_PEER_PACKAGES[@]}"
  proto=$("$cli" convert --print-prototxt) && bins=$("$cli" convert --print-bins) || die "$cli cannot print the network (rebuild it)"
  # (the key also names the converted model, so a folder made before it was added is remade)
  key=$({ cat "$ES_ROOT/tools/make-test-model" "$ES_ROOT/tests/ref/net_refs.py" "$ES_ROOT/tests/ref/scene.py" "$ES_ROOT/tests/ref/make_refs.py"
          printf '%s\n' "$proto" "$bins" 'synthetic-1-int8.esm'
          ls -d "$ES_SHARED/reference/"* "$ES_SHARED/datasets/kodak/kodim23.png" 2>/dev/null || true; } | sha256sum | cut -c1-16)
  [ "$(cat "$out/STAMP" 2>/dev/null)" = "$key" ] && return 0
  say "writing synthetic Caffe models to $out"
  rm -rf "$out"; mkdir -p "$out"
  printf '%s\n' "$proto" >"$out/eccv16.prototxt"; printf '%s\n' "$bins" >"$out/ab-bins.txt"
  local mk=("$ES_ROOT/tools/make-test-model" --prototxt "$out/eccv16.prototxt")
  "${mk[@]}" "$out/synthetic-1.caffemodel" --seed 1 --with-pts "$out/ab-bins.txt" >/dev/null &&
    "${mk[@]}" "$out/synthetic-1-legacy-unpacked.caffemodel" --seed 1 --legacy-shapes --unpacked --with-pts "$out/ab-bins.txt" >/dev/null &&
    "${mk[@]}" "$out/synthetic-2-no-bins.caffemodel" --seed 2 >/dev/null &&
    "${mk[@]}" "$out/synthetic-3-broken-conv5_2.caffemodel" --seed 3 --break-shape conv5_2 >/dev/null &&
    "$cli" convert "$out/synthetic-1.caffemodel" "$out/synthetic-1-int8.esm" --precision int8 >/dev/null || die "making synthetic models failed"
  "$ES_PY" "$ES_ROOT/tests/ref/net_refs.py" "$ES_SHARED" "$out" "$out/opencv" >/dev/null || die "OpenCV's network references failed"
  echo "$key" >"$out/STAMP"
}

run_tests() {
  local t0=$SECONDS failed=0 refs
  # Every package the run needs in one apt transaction (on a fresh machine each separate
  # install pays dpkg's triggers again).
  ensure_toolchain emscripten "${ES_PAGE_PACKAGES[@]}" "${ES_PEER_PACKAGES[@]}" "${ES_BROWSERS[@]}"
  build_native
  # The peers' reference data and the synthetic models need only the native CLI and Python:
  # they are made while the WASM trees build.
  ( make_references && make_test_models ) & refs=$!
  build_wasm st && build_wasm mt && write_pwa_assets || { wait "$refs"; exit 1; }
  wait "$refs" || die "making the reference data or the synthetic models failed"
  ensure_browser_tests
  local tree
  for tree in native wasm-st wasm-mt; do
    say "C tests, $tree build (ctest)"
    (cd "$ES_BUILD/$tree" && ES_REF="$ES_BUILD/ref" ctest --output-on-failure -j "$ES_JOBS") || failed=1
  done
  say "setup, JS/WASM, browser and npm package tests (node --test)"
  (cd "$ES_ROOT" && ES_REF="$ES_BUILD/ref" ES_BUILD="$ES_BUILD" node --test --test-concurrency=1 tests/setup/ tests/node/ tests/browser/ tests/package/) || failed=1
  if [ $failed = 0 ]; then say "all tests passed in $((SECONDS - t0)) s"; else say "tests FAILED ($((SECONDS - t0)) s)"; fi
  return $failed
}
