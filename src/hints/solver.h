/* solver.h - the colour propagation solve on the working grid (not public).
 *
 * Unknown: an a*b* pair per cell. Levin, Lischinski and Weiss (SIGGRAPH 2004): a free cell's
 * colour is the weighted average of its 8 neighbours', U_r = sum_s P_rs U_s, with
 *   P_rs = w_rs / sum_s w_rs,  w_rs = exp(-(L_r - L_s)^2 / c_r),
 *   c_r  = max(0.6 var(L over r's 3x3 window), -min_s (L_r - L_s)^2 / ln 0.01, ES_HINT_C_MIN)
 * (their getColorExact: the closest neighbour keeps a weight of at least 0.01), so colour
 * flows between cells of similar lightness and stops at edges. A prior pulls free cells toward a target: (1 + prior_r) U_r - sum_s P_rs U_s =
 * prior_r target_r; fixed (hinted) cells hold their target. (Symmetric stand-ins for this
 * system were tried: 0.4 to 0.65 dB worse on Kodak with 200 hints.)
 *
 * c_r is the row's own, so the system is not symmetric: BiCGSTAB solves it, preconditioned
 * by one multigrid V-cycle of the same operator. Its coarse grids aggregate 2x2 cells
 * (Galerkin: the weights between two aggregates add up, a coarse cell's data weight is its
 * children's sum), so every level is the same 9-point shape, a strong edge stays an edge on
 * every level, and the hierarchy is built from L once; only the data weights change with
 * the hints. Four-colour Gauss-Seidel smooths; the coarsest grid (<= 8x8) is solved by LU.
 * The solution is kept, so the next solve starts from it (warm start). Rows run on the
 * context's pool. */
#ifndef STUDIO_HINTS_SOLVER_H
#define STUDIO_HINTS_SOLVER_H
#include <pthreadpool.h>
#include <stddef.h>
#include <stdint.h>

#define ES_MG_MAX_LEVELS 16
/* c_r's floor, L units squared. Levin et al.'s is 2e-6 on a 0..1 scale (0.02 here): on a
 * smooth, noiseless 8-bit gradient a one-level step (about 0.4 L) then weighs exp(-8) and
 * acts as an edge, which stalls the solve and strands colour between contour lines. 1 lets
 * such steps pass (weight 0.85) and changed Kodak's scores by -0.01..+0.06 dB. */
#define ES_HINT_C_MIN 1.f
#define ES_HINT_NB 8 /* neighbours: E, W, S, N, SE, SW, NE, NW */

typedef struct {
  int w, h;
  float *wt[ES_HINT_NB]; /* [w*h] each: weight of neighbour k in a cell's row (0 beyond the border) */
  float *rowsum;   /* [w*h] the row's weights added up */
  float *d;        /* [w*h] data weight (fixed cells anchored) */
  float *diag, *inv; /* [w*h] d + rowsum, and 1 / that */
  float *x, *b;    /* [2*w*h] this level's correction and right-hand side */
} es_mg_level;

typedef struct {
  pthreadpool_t pool;
  int w, h, levels;
  float *pw[ES_HINT_NB]; /* [w*h] each: P_rs of neighbour k of cell r (0 beyond the border) */
  es_mg_level lv[ES_MG_MAX_LEVELS]; /* the preconditioner; level 0's weights are pw */
  uint8_t *fixed;  /* [w*h] 1 = the cell holds its target */
  float *prior;    /* [w*h] prior weight of a free cell (>= 0) */
  float *target;   /* [2*w*h] a fixed cell's value; a free cell's prior target */
  float *free_mask;/* [w*h] 0 on fixed cells, 1 elsewhere (branch-free masking) */
  float *x;        /* [2*w*h] the solution, kept for the next solve */
  float *r, *r0, *p, *v, *y, *t; /* [2*w*h] BiCGSTAB's vectors (s shares r, z shares y) */
  float *best;     /* [2*w*h] the iterate with the smallest error estimate so far */
  double *lu;      /* [nc*nc] LU factors of the coarsest level */
  int nc;
  double *partial; /* per row tile: reductions */
  int iterations;  /* of the last solve */
  float error;     /* its last estimated error (RMS a*b* units) */
} es_solver;

/* Build the grid, its weights and the hierarchy from L (w x h, 0..100). fixed, prior and
 * target are zeroed and x is 0. 0, or -1 out of memory (s is then freed). */
int es_solver_init(es_solver *s, pthreadpool_t pool, const float *L, int w, int h);
void es_solver_free(es_solver *s);

/* Solve after fixed, prior and target were set: starts from the kept x (fixed cells set to
 * their targets first), stops when the preconditioned residual, an estimate of the error,
 * is under tol (RMS over free cells) or after max_iter iterations. Returns 0. */
int es_solver_solve(es_solver *s, float tol, int max_iter);
#endif
