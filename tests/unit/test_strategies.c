/* The rules of the strategies, with expectations worked out by hand in
 * the comments (ALGORITHMS.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_sim.h"
#include "critique.h"
#include "fake.h"
#include "search.h"
#include "tap.h"
#include "testing.h"
#include "util.h"


/* ---- collecting events ---- */
struct log {
	struct strbuf text;
	char final_reason[256];
	char final_answer[64];
};

static void listen(void *ctx, const struct search *s, const struct event *ev)
{
	(void)s;
	struct log *l = ctx;
	struct event e = *ev;
	e.t = 0;
	event_format(&l->text, &e);
	if (ev->type == EV_FINAL) {
		snprintf(l->final_reason, sizeof l->final_reason, "%s", ev->reason ? ev->reason : "");
		snprintf(l->final_answer, sizeof l->final_answer, "%s", ev->answer ? ev->answer : "");
	}
}

static struct search *make(const struct strategy_ops *st, struct backend *b, const char *problem,
			   struct log *l, const char *gold)
{
	struct search_config cfg = {0};
	cfg.strategy = st;
	cfg.problem = problem;
	cfg.gold = gold;
	cfg.seed = 9;
	cfg.backend = b;
	char err[256];
	struct search *s = search_new(&cfg, err, sizeof err);
	sb_free(&l->text);
	memset(l, 0, sizeof *l);
	search_set_listener(s, listen, l);
	return s;
}

/* ---- scripted solutions for the voting rules ----
 * wbon: sample i is one of three two-step solutions:
 *   i%3 == 0: "a0 ..."  steps scored 0.9 then 0.2, answer A
 *   i%3 == 1: "a1 ..."  steps scored 0.6 then 0.6, answer A
 *   i%3 == 2: "b2 ..."  steps scored 0.5 then 0.9, answer B */
static char *wbon_gen(const struct request *r, unsigned i)
{
	(void)r;
	static const char *sol[] = {"Step 1: a0 x\nStep 2: a0 y The answer is A.",
				    "Step 1: a1 x\nStep 2: a1 y The answer is A.",
				    "Step 1: b2 x\nStep 2: b2 y The answer is B."};
	return strdup(sol[i % 3]);
}

/* A MATH-style solution: the answer boxed, then a figure and a remark. */
static char *boxed_gen(const struct request *r, unsigned i)
{
	(void)r;
	(void)i;
	return strdup("Step 1: Six sevens make $6 \\times 7 = 42$, so the answer is $\\boxed{42}$.\n\n"
		      "[asy]\ndraw((0,0)--(1,1));\n[/asy]\n\nThat is all there is to it.");
}

static double wbon_prm(const struct request *r, size_t i)
{
	const char *t = r->steps[i];
	int second = i == 1;
	if (strstr(t, "a0"))
		return second ? 0.2 : 0.9;
	if (strstr(t, "a1"))
		return 0.6;
	return second ? 0.9 : 0.5;
}

/* filter: answers by sample, and a judge that calls everything wrong (or
 * only the answers "5" correct) */
static int judge_all_wrong;
static char *filter_gen(const struct request *r, unsigned i)
{
	if (r->kind == REQ_JUDGE) {
		const char *last = r->steps[r->nsteps - 1];
		if (judge_all_wrong || !strstr(last, "is 5."))
			return strdup("This does not follow. [[wrong]]");
		return strdup("Looks right. [[correct]]");
	}
	/* answers 7, 7, 7, 5, 5, then again */
	char buf[64];
	snprintf(buf, sizeof buf, "Step 1: guess. The answer is %d.", i % 5 < 3 ? 7 : 5);
	return strdup(buf);
}

int main(void)
{
	struct log l = {0};

	/* ---- UCT ----
	 * parent N=10; children A (Q=3, N=4), B (Q=2, N=3), C (Q=1, N=2).
	 * c = 1:   A = 0.75 + sqrt(ln 10 / 4) = 0.75 + 0.758714 = 1.508714
	 *          B = 0.666667 + sqrt(ln 10 / 3) = 0.666667 + 0.876087 = 1.542754
	 *          C = 0.5 + sqrt(ln 10 / 2) = 0.5 + 1.072983 = 1.572983  -> C
	 * c = 0.5: A = 0.75 + 0.379357 = 1.129357, B = 1.104710, C = 1.036492 -> A */
	is_num(mcts_uct(3, 4, 10, 1.0), 1.508714, 1e-6, "UCT of A with c=1");
	is_num(mcts_uct(2, 3, 10, 1.0), 1.542754, 1e-6, "UCT of B with c=1");
	is_num(mcts_uct(1, 2, 10, 1.0), 1.572983, 1e-6, "UCT of C with c=1: exploration picks C");
	ok(mcts_uct(3, 4, 10, 0.5) > mcts_uct(2, 3, 10, 0.5) && mcts_uct(3, 4, 10, 0.5) > mcts_uct(1, 2, 10, 0.5),
	   "with c=0.5 exploitation picks A (1.129 > 1.105 > 1.036)");
	ok(isinf(mcts_uct(0, 0, 10, 1.0)), "an unvisited child comes first");

	/* ---- PUCT priors and choice ----
	 * mean token log-probabilities -0.1, -0.5, -1.0:
	 *   exp: 0.904837, 0.606531, 0.367879, sum 1.879247
	 *   priors 0.481489, 0.322752, 0.195759
	 * OpenR's PUCT, parent N=2, c_init=1.25:
	 *   c(2) = ln(19655 / 19652) + 1.25 = 1.250153
	 *   A (Q=1.5, N=2, P=0.5) = 0.75 + 1.250153 * 0.5 * sqrt 2 / 3 = 1.044664
	 *   B (N=0, P=0.3, PRM 0.6) = 0.6 + 1.250153 * 0.3 * 1.414214 = 1.130395
	 *   C (N=0, P=0.2, PRM 0.9) = 0.9 + 1.250153 * 0.2 * 1.414214 = 1.253597 -> C:
	 * an unvisited child's value is its PRM score (init_critic_value), so
	 * the better-scored step goes first even with the smaller prior */
	double lp3[] = {-0.1, -0.5, -1.0}, pr3[3];
	mcts_priors(lp3, 3, pr3);
	is_num(pr3[0], 0.481489, 1e-6, "prior of the likeliest step");
	is_num(pr3[1], 0.322752, 1e-6, "prior of the second");
	is_num(pr3[2], 0.195759, 1e-6, "prior of the least likely");
	double lpu[] = {-0.1, NAN}, pru[2];
	mcts_priors(lpu, 2, pru);
	ok(pru[0] == 0.5 && pru[1] == 0.5, "one log-probability unknown: uniform priors");
	is_num(mcts_puct_c(2, 1.25), 1.250153, 1e-6, "c(2) = ln(19655/19652) + 1.25");
	is_num(mcts_puct_c(10000, 1.25), 1.661384, 1e-6, "c grows with the parent's visits: c(10000) = 1.661384");
	is_num(mcts_puct(1.5, 2, 2, 0.5, 1.25, 0), 1.044664, 1e-6, "PUCT of A");
	is_num(mcts_puct(0, 0, 2, 0.3, 1.25, 0.6), 1.130395, 1e-6, "PUCT of unvisited B: its PRM score plus prior");
	is_num(mcts_puct(0, 0, 2, 0.2, 1.25, 0.9), 1.253597, 1e-6, "PUCT of unvisited C");
	ok(mcts_puct(0, 0, 2, 0.2, 1.25, 0.9) > mcts_puct(0, 0, 2, 0.3, 1.25, 0.6) &&
		   mcts_puct(0, 0, 2, 0.3, 1.25, 0.6) > mcts_puct(1.5, 2, 2, 0.5, 1.25, 0),
	   "C, the best-scored step, goes first, then B, then A");
	is_num(mcts_puct(0, 0, 0, 0.5, 1.25, 0.4), 0.4, 1e-12,
	       "at a fresh node (N=0) sqrt(N) is 0: the PRM scores alone order the children, as in OpenR");

	/* ---- REBASE allocation ----
	 * W=16, tau=0.2, r = 0.9, 0.5, 0.1: exp(r/tau) = 90.017, 12.182, 1.649
	 *   n1 = ceil(16 * 90.017 / 103.848) = ceil(13.869) = 14, W_rem = 2
	 *   n2 = ceil(2 * 12.182 / 13.831) = ceil(1.762) = 2,    W_rem = 0
	 *   n3 = 0 */
	double r1[] = {0.9, 0.5, 0.1};
	int a[3];
	int left = rebase_allocate(r1, 3, 16, 0.2, a);
	ok(a[0] == 14 && a[1] == 2 && a[2] == 0 && left == 0, "W=16 tau=0.2 r=(.9,.5,.1) gives 14, 2, 0");
	/* equal scores: ceil(16/3)=6, then ceil(10/2)=5, then 5 */
	double r2[] = {0.5, 0.5, 0.5};
	rebase_allocate(r2, 3, 16, 0.2, a);
	ok(a[0] == 6 && a[1] == 5 && a[2] == 5, "equal scores share the width: 6, 5, 5");
	/* W_rem=2, r = 0.9, 0.8, 0.1: n1 = ceil(2 * 1 / (1 + 0.6065 + 0.0183)) = ceil(1.231) = 2 */
	double r3[] = {0.9, 0.8, 0.1};
	rebase_allocate(r3, 3, 2, 0.2, a);
	ok(a[0] == 2 && a[1] == 0 && a[2] == 0, "a small width goes to the best node: 2, 0, 0");
	/* a high temperature flattens: tau=100, W=6: ceil(6*~1/3)=2, ceil(4/2)=2, 2 */
	rebase_allocate(r1, 3, 6, 100, a);
	ok(a[0] == 3 && a[1] == 2 && a[2] == 1, "tau=100 spreads the width: 3, 2, 1 (%d %d %d)", a[0], a[1], a[2]);

	/* ---- weighted vote with each aggregation ----
	 * three samples: A with steps (0.9, 0.2), A with (0.6, 0.6), B with (0.5, 0.9)
	 *   last: A = 0.2 + 0.6 = 0.8,   B = 0.9  -> B
	 *   min:  A = 0.2 + 0.6 = 0.8,   B = 0.5  -> A
	 *   prod: A = 0.18 + 0.36 = 0.54, B = 0.45 -> A
	 *   mean: A = 0.55 + 0.6 = 1.15,  B = 0.7  -> A */
	struct fake_script ws = {wbon_gen, wbon_prm, NULL};
	struct backend *fb = fake_backend_new(&ws);
	static const char *want[] = {"B", "A", "A", "A"};
	static const char *aggs[] = {"last", "min", "prod", "mean"};
	for (int agg = 0; agg < 4; agg++) {
		struct search_config cfg = {0};
		cfg.strategy = &strategy_wbon;
		cfg.problem = "scripted";
		cfg.backend = fb;
		cfg.params.v[P_N] = 3;
		cfg.params.set[P_N] = 1;
		cfg.params.v[P_AGG] = agg;
		cfg.params.set[P_AGG] = 1;
		char err[128];
		struct search *s = search_new(&cfg, err, sizeof err);
		search_run(s);
		char what[80];
		snprintf(what, sizeof what, "wbon --agg %s chooses %s", aggs[agg], want[agg]);
		is_str(search_final_answer(s), want[agg], what);
		search_free(s);
	}
	backend_free(fb);

	/* ---- an answer stated before the solution ends (a boxed answer, then
	 * an [asy] figure): read from the whole solution, as canopy grade
	 * reads it, and held by the solution's last step */
	struct fake_script bs = {boxed_gen, NULL, NULL};
	fb = fake_backend_new(&bs);
	{
		struct search_config cfg = {0};
		cfg.strategy = &strategy_sc;
		cfg.problem = "scripted";
		cfg.backend = fb;
		cfg.params.v[P_N] = 3;
		cfg.params.set[P_N] = 1;
		char err[128];
		struct search *s = search_new(&cfg, err, sizeof err);
		search_run(s);
		is_str(search_final_answer(s), "42", "sc: a solution that boxes 42 and then draws a figure answers 42");
		const struct tree *t = search_tree(s);
		int leaf_holds = 0, inner_holds = 0;
		for (size_t k = 1; k < tree_count(t); k++) {
			const struct node *nd = tree_node(t, (int32_t)k);
			if (nd->answer && nd->first_child == NODE_NONE)
				leaf_holds++;
			else if (nd->answer)
				inner_holds++;
		}
		is_int(leaf_holds, 3, "each solution's last step holds the answer");
		is_int(inner_holds, 0, "and no step before it");
		search_free(s);
	}
	backend_free(fb);

	struct fake_script fs = {filter_gen, NULL, NULL};

	/* ---- filter-vote ---- 8 samples answer 7,7,7,5,5,7,7,7; the judge
	 * likes only 5, so 2 of 8 vote and 5 wins although 7 has 6 votes */
	judge_all_wrong = 0;
	fb = fake_backend_new(&fs);
	struct search *s = make(&strategy_filter, fb, "scripted", &l, NULL);
	search_run(s);
	is_str(search_final_answer(s), "5", "filter: only the answers judged correct vote (5 beats 7)");
	ok(strstr(l.final_reason, "2 of 8 judged correct") != NULL, "and says so: %s", l.final_reason);
	ok(strstr(l.text.s, "\"ev\":\"verdict\",\"what\":\"review\",\"label\":\"wrong\""), "each review is a verdict event");
	search_free(s);
	/* every answer judged wrong: fall back to all */
	judge_all_wrong = 1;
	s = make(&strategy_filter, fb, "scripted", &l, NULL);
	search_run(s);
	is_str(search_final_answer(s), "7", "filter: when every answer is judged wrong, all vote (7)");
	ok(strstr(l.final_reason, "every answer was judged wrong") != NULL, "the reason names the fall-back");
	search_free(s);
	backend_free(fb);
	is_int(vote_judge_parse("ok [[correct]]"), 1, "[[correct]]");
	is_int(vote_judge_parse("hmm [[correct]] no, [[wrong]]"), 0, "the last verdict counts");
	is_int(vote_judge_parse("no verdict"), -1, "no verdict");

	/* ---- MAgICoRe easy/hard (numbers from the formulas, by hand) ----
	 * A: answers 1,1,2,3,4,5; ORM .9,.8,.3,.2,.3,.2; PRM .9,.8,.3,.3,.2,.3
	 *    R mean 0.9167, sd 0.5580; majority "1": mean z = 1.4038 >= 0 (cond1)
	 *    C_orm = 0.4755, C_prm = 0.4596 < 0.5 (no cond2) -> easy by cond1 */
	const char *ansA[] = {"1", "1", "2", "3", "4", "5"};
	double oA[] = {.9, .8, .3, .2, .3, .2}, pA[] = {.9, .8, .3, .3, .2, .3};
	struct magicore_verdict v;
	magicore_verdict(ansA, oA, pA, 6, &v);
	is_num(v.mean_z, 1.403767, 1e-5, "A: majority mean z = 1.4038");
	is_num(v.c_orm, 0.475470, 1e-5, "A: C_orm = 0.4755");
	is_num(v.c_prm, 0.459613, 1e-5, "A: C_prm = 0.4596");
	ok(v.cond1 && !v.cond2 && v.easy, "A: easy by condition 1 alone");
	/* B: answers 7,7,7,8; ORM = PRM = .3,.3,.3,.9: majority z = -0.5774 < 0,
	 *    shares 0.5/0.5: H = ln 2 = 0.6931, C = 2(1 - sigmoid(0.6931)) = 0.6667 */
	const char *ansB[] = {"7", "7", "7", "8"};
	double oB[] = {.3, .3, .3, .9};
	magicore_verdict(ansB, oB, oB, 4, &v);
	is_num(v.mean_z, -0.577350, 1e-5, "B: majority mean z = -0.5774");
	is_num(v.c_orm, 2.0 / 3.0, 1e-5, "B: C = 2/3 for both scores");
	ok(!v.cond1 && v.cond2 && v.easy, "B: easy by condition 2 alone");
	/* C: answers 1,1,2,3,4; ORM .1,.2,.9,.8,.7; PRM .1,.1,.9,.9,.8:
	 *    z = -1.2118, C_orm = 0.4214, C_prm = 0.4364 -> hard */
	const char *ansC[] = {"1", "1", "2", "3", "4"};
	double oC[] = {.1, .2, .9, .8, .7}, pC[] = {.1, .1, .9, .9, .8};
	magicore_verdict(ansC, oC, pC, 5, &v);
	is_num(v.mean_z, -1.211815, 1e-5, "C: majority mean z = -1.2118");
	ok(!v.cond1 && !v.cond2 && !v.easy, "C: hard (neither condition)");

	/* D: the data set's statistics, not the set's own (refine.py's
	 *    reward_avg 1.0, reward_std 0.5) and the first solutions'
	 *    majority "2": answers 1,1,2, ORM .9,.5,.2, PRM .8,.3,.1: the
	 *    majority's R = 0.3, z = (0.3 - 1) / 0.5 = -1.4; shares ORM
	 *    1.4/0.2, PRM 1.1/0.1: C = 0.8138 and 0.8576: easy by condition 2 */
	const char *ansD[] = {"1", "1", "2"};
	double oD[] = {.9, .5, .2}, pD[] = {.8, .3, .1};
	magicore_verdict_with(ansD, oD, pD, 3, "2", 1.0, 0.5, &v);
	is_num(v.mean_z, -1.4, 1e-9, "D: z by the data set's mean and sd, of the given majority: -1.4");
	is_num(v.c_orm, 0.813812, 1e-5, "D: C_orm = 0.8138");
	is_num(v.c_prm, 0.857557, 1e-5, "D: C_prm = 0.8576");
	ok(!v.cond1 && v.cond2 && v.easy, "D: easy by condition 2 alone");
	/* E: no solution gives the first majority's answer: refine.py's
	 *    np.mean of nothing is NaN, not below 0, so condition 1 holds */
	magicore_verdict_with(ansD, oD, pD, 3, "9", 1.0, 0.5, &v);
	ok(isnan(v.mean_z) && v.cond1 && v.easy, "E: no solution gives the majority's answer: condition 1 holds (NaN)");

	/* ---- rStar's choice, by hand (do_discriminate.py) ----
	 * A: 5, reward .8, twice, 4 of 4 agree; B: 5, .5, once, 1 agrees;
	 * C: 7, .9, once, 3 agree; D: 7, reward 0 (a one-step thought), 2.
	 * Confidence over 5 candidates: 5 -> 2.1/5 = .42, 7 -> .9/5 = .18:
	 * the generator's majority is 5.  Mid keeps A, C, D (2 or more):
	 * kept confidence 5 -> 1.6/4 = .4, 7 -> .9/4 = .225; survival 5 ->
	 * 2/3, 7 -> 2/2; scores 1.0667 and 1.225: the discriminator says 7. */
	char five[] = "5", seven[] = "7";
	struct rstar_cand rc[] = {
		{.answer = five, .reward = .8, .freq = 2, .tried = 1, .agree = 4},
		{.answer = five, .reward = .5, .freq = 1, .tried = 1, .agree = 1},
		{.answer = seven, .reward = .9, .freq = 1, .tried = 1, .agree = 3},
		{.answer = seven, .reward = 0, .freq = 1, .tried = 1, .agree = 2},
	};
	struct rstar_choice ch;
	is_int((int)rstar_choose(rc, 4, 1, 1, 0, &ch), 0, "rStar: the generator's majority is 5 (candidate A)");
	is_num(ch.maj_conf, 0.42, 1e-12, "its confidence: 2.1 of rewards over 5 candidates = 0.42");
	is_int((int)rstar_choose(rc, 4, 1, 0, 1, &ch), 2, "mid: the discriminator overturns it: 7 (candidate C)");
	ok(ch.how == 4 && ch.kept == 3 && ch.tried == 4, "scored: 3 of 4 kept");
	is_num(ch.kept_conf, 0.225, 1e-12, "7's kept confidence .9 over 4 kept");
	is_num(ch.survival, 1.0, 1e-12, "its survival 2 of 2");
	is_num(ch.score, 1.225, 1e-12, "score 1.225 against 5's 1.0667");
	is_int((int)rstar_choose(rc, 4, 2, 0, 1, &ch), 0, "strict: only A is kept, and wins");
	is_int(ch.how, 3, "as the only one kept");
	is_int((int)rstar_choose(rc, 4, 0, 0, 1, &ch), 0, "loose: all kept, 5 scores .42 + 1 against .18 + 1");
	for (size_t i = 0; i < 4; i++)
		rc[i].agree = 0;
	is_int((int)rstar_choose(rc, 4, 1, 0, 1, &ch), 0, "none kept: the most confident answer");
	ok(ch.how == 2 && fabs(ch.none_conf - 0.42) < 1e-12, "said so, with its confidence");

	/* ---- rStar ---- */
	static const struct {
		enum node_kind kind;
		const char *allowed; /* actions 1..5 */
	} table[] = {
		{NODE_PROBLEM, "11101"}, {NODE_SUBQUESTION, "11110"}, {NODE_REANSWER, "11100"},
		{NODE_REPHRASE, "11100"}, {NODE_STEP, "11000"}, {NODE_SOLUTION, "00000"},
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		char got[6] = {0};
		for (int act = 1; act <= 5; act++)
			got[act - 1] = rstar_allowed(table[i].kind, act) ? '1' : '0';
		char what[96];
		snprintf(what, sizeof what, "rStar actions after a %s node: A1-A5 = %s",
			 node_kind_name(table[i].kind), table[i].allowed);
		is_str(got, table[i].allowed, what);
	}
	/* loose keeps at 1 of 4, mid at 2 of 4, strict only at 4 of 4 */
	char modes[3][6];
	for (int mode = 0; mode < 3; mode++) {
		for (int agree = 0; agree <= 4; agree++)
			modes[mode][agree] = rstar_disc_keep(agree, mode) ? '1' : '0';
		modes[mode][5] = '\0';
	}
	is_str(modes[0], "01111", "discriminator loose: keep with 1+ agreeing");
	is_str(modes[1], "00111", "discriminator mid: keep with 2+ agreeing");
	is_str(modes[2], "00001", "discriminator strict: keep only when all 4 agree");

	/* ---- critique parsing ---- */
	struct critique_summary cs;
	const char *crit = "Step 1: 3 x 4 = 12\nCorrectness of the step: Correct\nExplanation: fine.\n\n"
			   "Step 2: 12 - 5 = 8\nCorrectness of the step: Wrong\nExplanation: 12 - 5 is 7.\n\n"
			   "Step 3: 8 x 2 = 16\nCorrectness of the step:   Wrong\nExplanation: builds on step 2.\n\n"
			   "Correctness of the final answer: Wrong";
	is_int(critique_parse(crit, &cs), 2, "two steps are wrong");
	ok(cs.steps == 3 && cs.first_wrong == 2 && cs.final_seen && cs.final_wrong,
	   "three blocks, the first wrong is step 2, the final answer is wrong");
	critique_parse("Step 1: x\nCorrectness of the step: Correct\n\nCorrectness of the final answer: Correct", &cs);
	ok(cs.wrong == 0 && cs.final_seen && !cs.final_wrong, "an all-correct critique");
	critique_parse("Step sentence: 16 - 3 - 4 = 9\nCorrectness of the step: Correct\n"
		       "Step sentence: 9 * 2 = 16\nCorrectness of the step: Wrong\n\n"
		       "Correctness of the final answer: Wrong", &cs);
	ok(cs.steps == 2 && cs.wrong == 1 && cs.first_wrong == 2 && cs.final_wrong,
	   "MathCritique's unnumbered \"Step sentence:\" blocks count as steps 1, 2, ...");
	critique_parse("**Step 1:** x\n**Correctness of the step:** Incorrect\n", &cs);
	ok(cs.steps == 1 && cs.wrong == 1 && cs.first_wrong == 1, "Markdown-dressed labels are read");
	critique_parse("I think it is fine.", &cs);
	ok(cs.steps == 0 && !cs.final_seen, "free text has no blocks");

	/* ---- every strategy on the sim: a final event, never the gold ---- */
	struct sim_cfg sc;
	sim_cfg_default(&sc);
	struct backend *sb = backend_sim_new(&sc, NULL);
	struct sim_problem p;
	sim_problem_generate(12, 6, &p);
	for (size_t i = 0; strategy_list[i]; i++) {
		const struct strategy_ops *st = strategy_list[i];
		/* the same run with two different gold answers must decide the
		 * same things: only "correct" may differ */
		s = make(st, sb, p.text, &l, "1");
		ok(search_run(s) == 0 && search_state(s) == SEARCH_DONE, "%s runs to the end", st->name);
		char *first = l.text.s;
		l.text.s = NULL;
		search_free(s);
		s = make(st, sb, p.text, &l, "424242");
		search_run(s);
		for (char *q; (q = strstr(first, "\"correct\":")) != NULL;)
			memmove(q, strchr(q, '}'), strlen(strchr(q, '}')) + 1);
		for (char *q; (q = strstr(l.text.s, "\"correct\":")) != NULL;)
			memmove(q, strchr(q, '}'), strlen(strchr(q, '}')) + 1);
		ok(!strcmp(first, l.text.s), "%s never reads the gold answer", st->name);
		ok(strstr(l.text.s, "\"ev\":\"final\"") != NULL, "%s ends with a final event", st->name);
		free(first);
		search_free(s);
	}

	/* ---- MCTS: the selected child has the largest journaled UCT ---- */
	s = make(&strategy_mcts, sb, p.text, &l, NULL);
	search_run(s);
	int checked = 0, right = 0;
	for (char *q = l.text.s; (q = strstr(q, "\"ev\":\"select\"")); q++) {
		/* the stats lines just before a select with a finite uct are
		 * the candidates it chose among */
		char *line = q;
		while (line > l.text.s && line[-1] != '\n')
			line--;
		const char *u = strstr(q, "\"uct\":");
		if (!u || u > strchr(q, '\n') || !strncmp(u + 6, "null", 4))
			continue;
		double chosen = atof(u + 6), best = -1;
		char *prev = line;
		int n = 0;
		while (prev > l.text.s) {
			char *start = prev - 1;
			while (start > l.text.s && start[-1] != '\n')
				start--;
			/* within that line only: a stats event with a uct */
			const char *st = strstr(start, "\"ev\":\"stats\""), *uc = strstr(start, "\"uct\":");
			if (!st || st > prev || !uc || uc > prev)
				break;
			double x = atof(strstr(start, "\"uct\":") + 6);
			best = x > best ? x : best;
			n++;
			prev = start;
		}
		if (n) {
			checked++;
			right += fabs(chosen - best) < 1e-9;
		}
	}
	ok(checked > 0 && right == checked, "every UCT selection takes the child with the largest UCT (%d of %d)",
	   right, checked);
	search_free(s);

	/* focus: the next rollout descends through the focused node */
	s = make(&strategy_mcts, sb, p.text, &l, NULL);
	search_step(s);
	search_step(s);
	const struct tree *t = search_tree(s);
	int32_t target = tree_node(t, tree_node(t, 0)->last_child)->parent == 0 ? tree_node(t, 0)->last_child : 1;
	struct command cmd = {CMD_FOCUS, target, 0, 0, 0, 1};
	char err[160];
	ok(!search_command(s, &cmd, err, sizeof err), "focus on a child of the root");
	size_t mark = l.text.len;
	search_step(s);
	char want_sel[64];
	snprintf(want_sel, sizeof want_sel, "\"ev\":\"select\",\"id\":%d", target);
	char *after = strstr(l.text.s + mark, "\"ev\":\"select\"");
	ok(after && !strncmp(after, want_sel, strlen(want_sel)), "the next rollout selects it first");
	ok(strstr(l.text.s, "\"ev\":\"cmd\",\"cmd\":\"focus\",\"by\":\"user\"") != NULL, "focus is journaled as the user's");
	cmd = (struct command){CMD_PRUNE, target, 0, 0, 0, 1};
	search_command(s, &cmd, err, sizeof err);
	mark = l.text.len;
	while (search_step(s))
		;
	snprintf(want_sel, sizeof want_sel, "\"ev\":\"select\",\"id\":%d,", target);
	ok(!strstr(l.text.s + mark, want_sel), "a pruned node is never selected again");
	search_free(s);

	/* rstar: the discriminator's verdicts and the action of every node */
	s = make(&strategy_rstar, sb, p.text, &l, NULL);
	search_run(s);
	ok(strstr(l.text.s, "\"what\":\"discriminator\"") != NULL, "rstar journals the discriminator's verdicts");
	ok(strstr(l.text.s, "\"kind\":\"rephrase\",\"action\":5") != NULL, "A5 makes a rephrase node");
	ok(strstr(l.text.s, "\"kind\":\"subquestion\",\"action\":3") != NULL, "A3 makes sub-questions");
	ok(strstr(l.text.s, "\"what\":\"confidence\"") != NULL, "terminal confidences are journaled");
	search_free(s);

	/* rebase journals each node's allocation */
	s = make(&strategy_rebase, sb, p.text, &l, NULL);
	search_step(s);
	search_step(s);
	ok(strstr(l.text.s, "\"ev\":\"alloc\",\"id\":0,\"n\":16") != NULL, "the root gets the whole width, 16");
	int sum = 0;
	char *q = strstr(l.text.s, "\"ev\":\"unit\",\"n\":2");
	for (; q && (q = strstr(q, "\"ev\":\"alloc\"")); q++)
		sum += atoi(strstr(q, "\"n\":") + 4);
	is_int(sum, 16, "the second depth shares out all 16 (nothing finished yet)");
	search_free(s);

	/* magicore journals its verdict with both conditions' numbers */
	s = make(&strategy_magicore, sb, p.text, &l, NULL);
	search_run(s);
	ok(strstr(l.text.s, "\"what\":\"difficulty\"") && strstr(l.text.s, "\"cond1_mean_z\":") &&
	   strstr(l.text.s, "\"c_orm\":") && strstr(l.text.s, "\"c_prm\":"), "magicore's verdict carries its numbers");
	search_free(s);

	/* critique: rounds and refinements hang under their critiques */
	struct sim_problem hard;
	sim_problem_generate(3, 10, &hard);
	sc.critic_recall = 1;
	struct backend *sb2 = backend_sim_new(&sc, NULL);
	s = make(&strategy_critique, sb2, hard.text, &l, NULL);
	search_run(s);
	t = search_tree(s);
	int refinements = 0, under_critique = 1;
	for (size_t i = 0; i < tree_count(t); i++) {
		const struct node *n = tree_node(t, (int32_t)i);
		if (n->kind == NODE_REFINEMENT) {
			refinements++;
			under_critique &= tree_node(t, n->parent)->kind == NODE_CRITIQUE &&
					  n->round == tree_node(t, n->parent)->round && n->round >= 1;
		}
	}
	ok(refinements > 0, "a hard problem gets refined (%d refinements)", refinements);
	ok(under_critique, "each refinement hangs under the critique of its round");
	search_free(s);
	backend_free(sb2);
	backend_free(sb);
	sb_free(&l.text);
	return tap_done();
}
