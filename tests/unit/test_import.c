/* import: each format converted from files written by hand from its
 * documentation (tests/data/import/) and from PRM800K's own samples, the
 * traces loaded back and checked for what a user would see; and the
 * messages bad inputs get. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import.h"
#include "tap.h"
#include "trace.h"
#include "util.h"

static char tmpdir[256];
static const char *srcdir;

/* What a trace says, collected while it loads. */
struct seen {
	size_t units, keeps, votes, verdicts;
	char last_verdict_what[32], last_verdict_label[32];
	double vote_top_weight;
	char final_reason[400];
};

static int collect(void *ctx, const struct event *ev, uint64_t line)
{
	struct seen *s = ctx;
	(void)line;
	switch (ev->type) {
	case EV_UNIT:
		s->units++;
		break;
	case EV_KEEP:
		s->keeps++;
		break;
	case EV_VOTE:
		s->votes++;
		if (ev->nclusters)
			s->vote_top_weight = ev->clusters[0].weight;
		break;
	case EV_FINAL:
		snprintf(s->final_reason, sizeof s->final_reason, "%s", ev->reason ? ev->reason : "");
		break;
	case EV_VERDICT:
		s->verdicts++;
		snprintf(s->last_verdict_what, sizeof s->last_verdict_what, "%s", ev->reason);
		snprintf(s->last_verdict_label, sizeof s->last_verdict_label, "%s", ev->label);
		break;
	default:
		break;
	}
	return 0;
}

static char *path_in(const char *dir, const char *name)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, "%s/%s", dir, name);
	return sb_steal(&sb);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

/* Imports and loads back; 0 on success with tr filled. */
static int import_load(const char *format, const char *file, long index, const char *problem,
		       struct trace *tr, struct seen *s, char *err, size_t errlen)
{
	struct import_opts o = {file, index, problem, NULL};
	struct import_result res;
	char *out = path_in(tmpdir, "out.jsonl");
	memset(s, 0, sizeof *s);
	int rc = import_run(import_format_lookup(format), &o, out, &res, err, errlen);
	if (!rc) {
		char warn[256];
		rc = trace_load(out, tr, collect, s, err, errlen, warn, sizeof warn);
	}
	free(out);
	return rc;
}

static const struct node *N(const struct trace *tr, int32_t id)
{
	return tree_node(tr->tree, id);
}

static void test_prm800k(void)
{
	const char *dir = getenv("SHARED_DATA");
	char *p1 = path_in(dir ? dir : ".", "prm800k-phase1-test-example.json");
	char *p2 = path_in(dir ? dir : ".", "prm800k-phase2-test-example.json");
	struct trace tr;
	struct seen s;
	char err[1024];
	if (access(p1, R_OK) || access(p2, R_OK)) {
		tap_skip("../shared/data's PRM800K samples are not here");
	} else {
		int rc = import_load("prm800k", p1, -1, NULL, &tr, &s, err, sizeof err);
		ok(!rc, "PRM800K phase 1 sample imports (%s)", rc ? err : "ok");
		if (!rc) {
			is_int(tree_count(tr.tree), 16, "phase 1: 15 rated completions and the problem");
			is_int(s.units, 6, "a unit a labelled step");
			is_int(s.keeps, 6, "each step's chosen completion is kept");
			is_str(tr.final_answer, "29", "the path ends in '# Answer 29'");
			is_int(tr.final_correct, 1, "29 is the ground truth answer");
			/* step 2: five completions rated -1, the labeller wrote their own */
			int bad = 0;
			for (int32_t c = N(&tr, 1)->first_child; c != NODE_NONE; c = N(&tr, c)->next_sibling)
				bad += N(&tr, c)->prm == 0;
			is_int(bad, 5, "ratings of -1 are step scores of 0");
			ok(N(&tr, 7)->flags & NF_FINAL && isnan(N(&tr, 7)->prm),
			   "the human completion continues the path, unscored");
			is_num(N(&tr, 11)->prm, 0.5, 1e-6, "a rating of 0 is a score of 0.5");
			trace_free(&tr);
		}
		rc = import_load("prm800k", p2, -1, NULL, &tr, &s, err, sizeof err);
		ok(!rc, "PRM800K phase 2 sample imports (%s)", rc ? err : "ok");
		if (!rc) {
			/* found_error: the labelling stops at step 7, rated -1; the
			 * generated solution it rated goes on to its answer */
			ok(tr.final_answer && !strcmp(tr.final_answer, "7200") && tr.final_correct == 0,
			   "the final answer is the generated solution's, 7200 (pre_generated_answer), wrong");
			int depth = 0;
			for (int32_t at = tr.final_node; at > 0; at = N(&tr, at)->parent)
				depth++;
			is_int(depth, 13, "its path is the whole generated solution, 13 steps");
			int32_t rated = NODE_NONE;
			for (int32_t at = tr.final_node; at > 0; at = N(&tr, at)->parent)
				if (N(&tr, at)->depth == 7)
					rated = at;
			ok(rated != NODE_NONE && N(&tr, rated)->prm == 0, "its step 7 is the one the labeller rated -1");
			is_num(N(&tr, tr.final_node)->orm, 0.00115461, 1e-6,
			       "the PRM score the data set chose it by (pre_generated_verifier_score)");
			trace_free(&tr);
		}
	}
	free(p1);
	free(p2);

	char *f = path_in(tmpdir, "bad-prm.json");
	write_file(f, "{\"question\":{\"problem\":\"1+1?\",\"ground_truth_answer\":\"2\"},\n"
		      " \"label\":{\"steps\":[{\"completions\":[{\"text\":\"1+1=2\",\"rating\":1}],\"chosen_completion\":3}]}}\n");
	int rc = import_load("prm800k", f, -1, NULL, &tr, &s, err, sizeof err);
	ok(rc && strstr(err, "label.steps[0].chosen_completion: 3, but there are 1 completions"),
	   "a chosen completion that does not exist is named: %s", err);
	write_file(f, "{\"question\":{\"problem\":\"1+1?\"},\"label\":{\"steps\":[{\"completions\":[{\"text\":\"x\",\"rating\":2}]}]}}");
	rc = import_load("prm800k", f, -1, NULL, &tr, &s, err, sizeof err);
	ok(rc && strstr(err, "label.steps[0].completions[0].rating: 2, not -1, 0 or 1"), "a rating of 2: %s", err);
	free(f);
}

static void test_reasoners(void)
{
	char *f = path_in(srcdir, "tests/data/import/reasoners-treelog.json");
	struct trace tr;
	struct seen s;
	char err[1024];
	/* written by llm-reasoners' own MCTS and TreeLog (README): RAP's
	 * GSM8K settings, 13 iterations; its own result is 18 (cum_reward
	 * 0.8485, the mean of 3 rewards); the last snapshot's selected edges,
	 * the last iteration's path, end at a wrong 26 */
	int rc = import_load("llm-reasoners", f, -1, "Janet's ducks", &tr, &s, err, sizeof err);
	ok(!rc, "an llm-reasoners TreeLog imports (%s)", rc ? err : "ok");
	if (!rc) {
		is_int(tree_count(tr.tree), 16, "the 15 nodes of the last snapshot and the problem");
		is_int(s.units, 13, "a unit an MCTS iteration");
		is_str(tr.header.problem, "Janet's ducks", "--problem supplies what the TreeLog lacks");
		ok(tr.final_answer && !strcmp(tr.final_answer, "18"),
		   "the final answer is MCTS's own output, the max-reward path: 18, not the last path's 26");
		ok(strstr(s.final_reason, "max_reward") && strstr(s.final_reason, "0.849") &&
			   strstr(s.final_reason, "end at #5"),
		   "and the reason says how it was chosen, with llm-reasoners' number (%s)", s.final_reason);
		int placeholders = 0, states = 0;
		for (size_t i = 1; i < tree_count(tr.tree); i++) {
			placeholders += strstr(N(&tr, i)->text, "never expanded") != NULL;
			states += !strncmp(N(&tr, i)->text, "question: ", 10);
		}
		ok(placeholders == 5 && states == 10,
		   "nodes first seen unexpanded are named by their later state; only the 5 never expanded are not");
		ok(!N(&tr, 1)->answer && N(&tr, 6)->answer && !strcmp(N(&tr, 6)->answer, "18"),
		   "only leaves state answers (every RAP step says 'The answer is')");
		ok(!isnan(N(&tr, 1)->prm) && !isnan(N(&tr, 1)->q), "the edge's reward as the step score, its Q kept");
		trace_free(&tr);
	}
	free(f);
	/* llm-reasoners' own BeamSearch, its TreeLog from
	 * from_beam_search_results: one snapshot, no Q; its answer 18 */
	f = path_in(srcdir, "tests/data/import/reasoners-beam.json");
	rc = import_load("llm-reasoners", f, -1, NULL, &tr, &s, err, sizeof err);
	ok(!rc, "a BeamSearch TreeLog imports (%s)", rc ? err : "ok");
	if (!rc) {
		ok(!strcmp(tr.header.strategy, "llm-reasoners beam search"), "labelled beam search, not mcts (%s)",
		   tr.header.strategy);
		ok(tr.final_answer && !strcmp(tr.final_answer, "18") && strstr(s.final_reason, "highest-reward edges"),
		   "its answer along the highest-reward edges it marks: 18, as BeamSearch's terminal state");
		trace_free(&tr);
	}
	free(f);
	/* demo.ipynb's custom factories: the visits in the node's data ("#
	 * visited"), the block state, and edges with Q, intuition, self_eval
	 * and the action, but no reward */
	f = path_in(srcdir, "tests/data/import/reasoners-notebook.json");
	rc = import_load("llm-reasoners", f, -1, NULL, &tr, &s, err, sizeof err);
	ok(!rc, "a TreeLog written with the notebook's factories imports (%s)", rc ? err : "ok");
	if (!rc) {
		ok(N(&tr, 1)->visits > 0, "visits come from the node's '# visited' (%u)", N(&tr, 1)->visits);
		ok(strstr(N(&tr, 1)->text, "How many eggs are left after breakfast?\nblock state: ") == N(&tr, 1)->text &&
			   strstr(N(&tr, 1)->text, "# goals satisfied: "),
		   "a node reads its action, then the data the factory writes");
		ok(s.verdicts > 0, "edges without a reward keep their numbers as verdicts (intuition, self_eval)");
		ok(strstr(s.final_reason, "record no step rewards") != NULL,
		   "without rewards in the log, the import says the max-reward output cannot be worked out");
		trace_free(&tr);
	}
	free(f);
	f = path_in(tmpdir, "tl.json");
	write_file(f, "{\"logs\":[{\"nodes\":{\"0\":{\"id\":0,\"data\":{}},\"1\":{\"id\":1,\"data\":{\"0\":\"a\"}},"
		      "\"2\":{\"id\":2,\"data\":{\"0\":\"b\"}}},\"edges\":{\"0\":{\"id\":0,\"source\":0,\"target\":1,"
		      "\"data\":{\"Q\":0.5,\"reward\":0.5,\"N\":4}}}}]}");
	rc = import_load("llm-reasoners", f, -1, NULL, &tr, &s, err, sizeof err);
	ok(rc && strstr(err, "logs[0]: 2 nodes without a parent"), "two roots are refused: %s", err);
	write_file(f, "{\"logs\":[{\"nodes\":{\"0\":{\"id\":0,\"data\":{}},\"1\":{\"id\":1,\"data\":{\"0\":\"a\"}}},"
		      "\"edges\":{\"0\":{\"id\":0,\"source\":0,\"target\":1,\"data\":{\"Q\":0.5,\"reward\":3,\"N\":4}}}}]}");
	rc = import_load("llm-reasoners", f, -1, NULL, &tr, &s, err, sizeof err);
	ok(!rc, "a TreeLog with visit counts imports (%s)", rc ? err : "ok");
	if (!rc) {
		ok(N(&tr, 1)->visits == 4 && fabs(N(&tr, 1)->value - 2.0) < 1e-9 && isnan(N(&tr, 1)->q),
		   "edge data N gives visits, and value = Q * N");
		ok(isnan(N(&tr, 1)->prm), "a reward outside [0, 1] is not shown as a step score");
		trace_free(&tr);
	}
	write_file(f, "{\"logs\":[]}");
	rc = import_load("llm-reasoners", f, -1, NULL, &tr, &s, err, sizeof err);
	ok(rc && strstr(err, "logs: empty"), "no snapshots: %s", err);
	free(f);
}

static void test_rstar(void)
{
	char *dir = path_in(srcdir, "tests/data/import/rstar");
	struct trace tr;
	struct seen s;
	char err[1024];
	int rc = import_load("rstar", dir, -1, NULL, &tr, &s, err, sizeof err);
	ok(!rc, "a directory of rStar rollout dumps imports (%s)", rc ? err : "ok");
	if (!rc) {
		is_int(s.units, 3, "a unit a rollout file");
		is_int(tree_count(tr.tree), 7, "the nodes of the last rollout");
		is_str(tr.header.gold, "18", "the gold answer from Answer.json");
		ok(N(&tr, 0)->visits == 3 && fabs(N(&tr, 0)->value - 2.2) < 1e-9, "the root's N and Q");
		ok(N(&tr, 1)->kind == NODE_STEP && N(&tr, 1)->action == 1, "TS is a one-step thought, A1");
		ok(N(&tr, 2)->kind == NODE_SOLUTION && N(&tr, 2)->action == 2, "DA is a direct answer, A2");
		ok(!strcmp(N(&tr, 2)->text, "She sells 16 - 7 = 9 eggs.\nThat makes 9 * 2 = 18 dollars. The answer is 18."),
		   "a text over two lines is whole");
		ok(N(&tr, 5)->kind == NODE_SUBQUESTION && N(&tr, 5)->action == 3 &&
			   !strcmp(N(&tr, 5)->text, "Q: How many eggs do the ducks lay each day?\n"
						    "A: The ducks lay 16 eggs per day. The answer is 16."),
		   "SQ keeps its question and answer, without rStar's alignment");
		ok(!N(&tr, 5)->answer, "a sub-answer is not a solution's answer ((T) marks those)");
		ok(tr.final_node == 2 && tr.final_correct == 1, "[[...]] marks the chosen solution: 18, correct");
		trace_free(&tr);
	}
	/* written by rStar's own do_generate.py --save_tree (README): 4
	 * rollouts on GSM8K's first problem */
	char *own = path_in(srcdir, "tests/data/import/rstar-own");
	rc = import_load("rstar", own, -1, NULL, &tr, &s, err, sizeof err);
	ok(!rc, "rStar's own dumps import (%s)", rc ? err : "ok");
	if (!rc) {
		is_int(s.units, 4, "a unit a rollout, as rStar wrote them");
		is_int(tree_count(tr.tree), 56, "the 56 nodes of its last dump");
		ok(N(&tr, 0)->visits == 4 && fabs(N(&tr, 0)->value - 1.5) < 1e-9,
		   "the root's N 4 and Q 1.5, as its dump's first line says");
		size_t sq = 0, ru = 0;
		for (size_t i = 1; i < tree_count(tr.tree); i++) {
			sq += N(&tr, i)->kind == NODE_SUBQUESTION;
			ru += N(&tr, i)->kind == NODE_REPHRASE;
		}
		ok(sq == 6 && ru == 1, "its sub-questions and its rephrasing (%zu, %zu)", sq, ru);
		ok(tr.final_correct == 1 && !strcmp(tr.final_answer, "18") &&
			   !strcmp(N(&tr, tr.final_node)->text, "She makes 9 * 2 = 18 dollars. The answer is 18."),
		   "the final is the node its dump marks chosen ([[TS-29]]): 18, correct");
		trace_free(&tr);
	}
	free(own);
	char *one = path_in(dir, "Question 0000 - Rollout 1.tree");
	rc = import_load("rstar", one, -1, NULL, &tr, &s, err, sizeof err);
	ok(!rc && tree_count(tr.tree) == 6 && s.units == 1, "one .tree file: one snapshot (%s)", rc ? err : "ok");
	if (!rc)
		trace_free(&tr);
	rc = import_load("rstar", dir, 4, NULL, &tr, &s, err, sizeof err);
	ok(rc && strstr(err, "--index 4: no \"Question 0004 - Rollout *.tree\" here (questions 0 to 0 are)"),
	   "a question that is not there: %s", err);
	char *bad = path_in(tmpdir, "Question 0002 - Rollout 0.tree");
	write_file(bad, "[U-0: Q: 0; N: 0; V: None; UCT: 666] User: q\n--------[TS-1: Q: 0; N: 0; V: None; UCT: 999] OST: x\n");
	rc = import_load("rstar", bad, -1, NULL, &tr, &s, err, sizeof err);
	ok(rc && strstr(err, "Rollout 0.tree:2: node TS-1 is 2 levels deep under a node 0 deep"),
	   "a node too deep is named by line: %s", err);
	free(bad);
	free(one);
	free(dir);
}

static void test_sal(void)
{
	char *f = path_in(srcdir, "tests/data/import/search-and-learn.jsonl");
	struct trace tr;
	struct seen s;
	char err[1024];
	/* written by search-and-learn's own best_of_n, beam_search and dvts
	 * (README): one row each */
	int rc = import_load("search-and-learn", f, 0, NULL, &tr, &s, err, sizeof err);
	ok(!rc, "a best-of-N row imports (%s)", rc ? err : "ok");
	if (!rc) {
		is_int(tree_count(tr.tree), 7, "identical completions share their nodes (3 of the 4 are one text)");
		is_int(s.units, 4, "a unit a completion");
		is_num(N(&tr, 2)->prm, 0.3815, 1e-6, "each step has its own PRM score");
		ok(tr.final_correct == 0 && !strcmp(tr.final_answer, "16"),
		   "pred, the tool's choice by its last-step score, is the final answer: 16, wrong");
		is_int(s.votes, 1, "and the vote over the completions' answers is shown");
		trace_free(&tr);
	}
	rc = import_load("search-and-learn", f, 1, NULL, &tr, &s, err, sizeof err);
	ok(!rc, "a beam-search row imports (%s)", rc ? err : "ok");
	if (!rc) {
		is_int(N(&tr, 1)->nchildren, 2, "beams that share a first step share its node");
		size_t empty = 0;
		for (size_t i = 1; i < tree_count(tr.tree); i++)
			empty += N(&tr, i)->text_len == 0;
		ok(empty == 4 && tr.final_correct == 1, "each beam ends in the empty piece its PRM scored; pred 18, right");
		trace_free(&tr);
	}
	free(f);
	f = path_in(tmpdir, "sal.jsonl");
	write_file(f, "\n{\"problem\":\"p\",\"answer\":\"3\",\"completions\":[\"a\\n\\nb = 3\",\"c\"],\"scores\":[[0.5],[0.25]]}\n\n");
	struct import_opts o = {f, 0, NULL, NULL};
	struct import_result res;
	char *out = path_in(tmpdir, "sal-out.jsonl");
	rc = import_run(&import_sal, &o, out, &res, err, sizeof err);
	ok(!rc && strstr(res.warning, "1 completion had a number of scores no PRM convention gives"),
	   "scores that do not match the steps: one node, and a warning (%s)", rc ? err : res.warning);
	write_file(f, "{\"problem\":\"p\",\"completions\":[\"a\"],\"scores\":[[0.5],[0.25]]}\n");
	rc = import_run(&import_sal, &o, out, &res, err, sizeof err);
	ok(rc && strstr(err, "sal.jsonl:1: scores: 2 lists for 1 completions"), "scores for other completions: %s", err);
	ok(access(out, F_OK) == 0, "a failed import leaves an earlier trace alone");
	write_file(f, "{\"problem\":\"p\",\"completions\":[\"a\"]}\n{\"problem\": oops}\n");
	rc = import_run(&import_sal, &o, out, &res, err, sizeof err);
	ok(rc && strstr(err, "sal.jsonl:2:13: not valid JSON"), "a garbled line: %s", err);
	free(out);
	free(f);
}

static void test_refine(void)
{
	char *f = path_in(srcdir, "tests/data/import/magicore-refined.json");
	struct trace tr;
	struct seen s;
	char err[1024];
	/* written by MAgICoRe's own annotate.py and refine.py (README):
	 * problem 0 easy throughout; problem 1 hard, then easy (refine.py
	 * copies round 0: iter2 = iter0), then hard again, refining the
	 * first solutions; problem 2 hard three times over */
	int rc = import_load("magicore", f, 0, NULL, &tr, &s, err, sizeof err);
	ok(!rc, "a MAgICoRe problem imports (%s)", rc ? err : "ok");
	if (!rc) {
		ok(tree_count(tr.tree) == 6 && !strcmp(s.last_verdict_label, "easy") && tr.final_correct == 1,
		   "problem 0: easy, its 5 solutions, nothing refined, right");
		trace_free(&tr);
	}
	rc = import_load("magicore", f, 1, NULL, &tr, &s, err, sizeof err);
	ok(!rc, "problem 1 imports (%s)", rc ? err : "ok");
	if (!rc) {
		is_int(tree_count(tr.tree), 16, "5 solutions, 5 refinements in round 1, 5 in round 3");
		int deepest = 0, r3_under_first = 1;
		for (size_t i = 1; i < tree_count(tr.tree); i++) {
			int d = (int)N(&tr, i)->depth;
			deepest = d > deepest ? d : deepest;
			if (N(&tr, i)->round == 3)
				r3_under_first &= N(&tr, N(&tr, i)->parent)->kind == NODE_SOLUTION;
		}
		ok(deepest == 2 && r3_under_first,
		   "after the easy round, round 3 refines the first solutions (depth 2, not 3), as refine.py does");
		ok(N(&tr, 1)->kind == NODE_SOLUTION && !isnan(N(&tr, 1)->prm) && !isnan(N(&tr, 1)->orm),
		   "a solution keeps its ORM score and its PRM product");
		ok(tr.final_correct == 1 && !strcmp(tr.final_answer, "p - q"), "the weighted vote chose p - q, as the tool did");
		trace_free(&tr);
	}
	rc = import_load("magicore", f, 2, NULL, &tr, &s, err, sizeof err);
	ok(!rc && tree_count(tr.tree) == 21 && tr.final_correct == 0 && !strcmp(tr.final_answer, "77"),
	   "problem 2: refined three times over (21 nodes), and 77, wrong, as the tool's own vote (%s)", rc ? err : "ok");
	if (!rc)
		trace_free(&tr);
	free(f);
	/* written by MathCritique's own scripts (tests/data/import/README):
	 * 3 problems, 3 chains, 2 rounds; texts repeat (two first samples of
	 * problem 0 are the same, every refinement of it is the same) */
	f = path_in(srcdir, "tests/data/import/mathcritique.jsonl");
	rc = import_load("mathcritique", f, 0, NULL, &tr, &s, err, sizeof err);
	ok(!rc, "a MathCritique problem imports (%s)", rc ? err : "ok");
	if (!rc) {
		is_int(tree_count(tr.tree), 16, "3 first samples, each critiqued and refined twice: 1 + 3 x 5 nodes");
		size_t sols = 0, crits = 0, refs = 0;
		for (size_t i = 1; i < tree_count(tr.tree); i++) {
			sols += N(&tr, i)->kind == NODE_SOLUTION;
			crits += N(&tr, i)->kind == NODE_CRITIQUE;
			refs += N(&tr, i)->kind == NODE_REFINEMENT;
		}
		ok(sols == 3 && crits == 6 && refs == 6, "3 solutions though two are the same text, 6 critiques, 6 refinements");
		ok(N(&tr, 1)->parent == 0 && N(&tr, 2)->parent == 0 && !strcmp(N(&tr, 1)->text, N(&tr, 2)->text),
		   "the two identical first samples stay two chains");
		int max_round = 0;
		for (size_t i = 1; i < tree_count(tr.tree); i++)
			max_round = N(&tr, i)->round > max_round ? N(&tr, i)->round : max_round;
		is_int(max_round, 2, "two rounds, not a chain of three");
		ok(N(&tr, 4)->kind == NODE_CRITIQUE && N(&tr, 4)->parent == 1 && N(&tr, 4)->round == 1 && !N(&tr, 4)->answer,
		   "round 1 critiques the first chain's sample, stating no answer");
		ok(tr.final_correct == 1 && !strcmp(tr.final_answer, "18"),
		   "the majority of the 6 records' responses: 18, as MathCritique's test_filter.py says");
		trace_free(&tr);
	}
	/* the tool's own answers: 18, 3, 80 (its test_filter.py: 2 of the 3 right) */
	static const char *const want[] = {"18", "3", "80"};
	for (long i = 1; i < 3; i++) {
		rc = import_load("mathcritique", f, i, NULL, &tr, &s, err, sizeof err);
		ok(!rc && tree_count(tr.tree) == 16 && !strcmp(tr.final_answer, want[i]) && tr.final_correct == (i == 1),
		   "problem %ld: %s, %s, as the tool's own majority (%s)", i, want[i], i == 1 ? "right" : "wrong",
		   rc ? err : "ok");
		if (!rc)
			trace_free(&tr);
	}
	free(f);
}

/* written by search-and-learn's own DVTS (README): every step ends in
 * "\n\n", and a PRM counting as RLHFlow's does gives each completion one
 * score more than its steps */
static void test_sal_own(void)
{
	char *f = path_in(srcdir, "tests/data/import/search-and-learn.jsonl");
	struct trace tr;
	struct seen s;
	char err[1024];
	memset(&s, 0, sizeof s);
	struct import_opts o = {f, 2, NULL, NULL};
	struct import_result res;
	char *out = path_in(tmpdir, "sal-dvts-out.jsonl");
	int rc = import_run(&import_sal, &o, out, &res, err, sizeof err);
	ok(!rc && !res.warning[0], "search-and-learn's own DVTS row imports with no warning (%s)", rc ? err : res.warning);
	rc = import_load("search-and-learn", f, 2, NULL, &tr, &s, err, sizeof err);
	if (!rc) {
		size_t empty = 0, deepest = 0;
		for (size_t i = 1; i < tree_count(tr.tree); i++) {
			empty += N(&tr, i)->text_len == 0;
			deepest = N(&tr, i)->depth > deepest ? N(&tr, i)->depth : deepest;
		}
		ok(empty == 4 && deepest == 4, "each of the 4 completions: its 3 steps, then the empty piece its PRM scored");
		ok(tr.final_correct == 1 && !strcmp(tr.final_answer, "18"), "pred, the tool's choice: 18");
		trace_free(&tr);
	}
	free(out);
	free(f);
}

/* search-and-learn's PRMs count a completion's pieces differently: a
 * completion ending in a blank line ("\n\n", as every DVTS and beam step
 * does) gets one score more than it has steps from RLHFlow's and Qwen's
 * score() (str.split keeps the empty last piece) and none for it from
 * Math-Shepherd's.  Rows made by hand with those counts. */
static void test_sal_counts(void)
{
	char *f = path_in(tmpdir, "sal-counts.jsonl");
	write_file(f, "{\"problem\":\"What is 2+3?\",\"answer\":\"5\",\"completions\":["
		      "\"s1\\n2 + 3 = 5.\\n\\ns2\\nThe answer is $\\\\boxed{5}$.\\n\\n\","
		      "\"s1\\n2 + 3 = 6.\\n\\ns2\\nThe answer is $\\\\boxed{6}$.\\n\\n\","
		      "\"one piece only\\n\\nand another\"],"
		      "\"scores\":[[0.9,0.8,0.7],[0.4,0.3],[0.5,0.6,0.7,0.8]]}\n");
	struct trace tr;
	struct seen s;
	char err[1024];
	memset(&s, 0, sizeof s);
	int rc = import_load("search-and-learn", f, 0, NULL, &tr, &s, err, sizeof err);
	ok(!rc, "rows with each PRM's count import (%s)", rc ? err : "ok");
	if (!rc) {
		/* RLHFlow: s1, s2, and the empty piece, scored .9 .8 .7 */
		ok(N(&tr, 3)->text_len == 0 && N(&tr, 3)->parent == 2 && fabs(N(&tr, 3)->prm - 0.7) < 1e-6 &&
			   N(&tr, 3)->answer && !strcmp(N(&tr, 3)->answer, "5"),
		   "RLHFlow's count: the empty last piece is a step with its score, and the answer");
		ok(fabs(N(&tr, 2)->prm - 0.8) < 1e-6 && N(&tr, 2)->depth == 2,
		   "and each step keeps its own score, in its place in the tree");
		/* Math-Shepherd: s1, s2 only */
		ok(N(&tr, 5)->depth == 2 && fabs(N(&tr, 5)->prm - 0.3) < 1e-6 && N(&tr, 5)->first_child == NODE_NONE,
		   "Math-Shepherd's count: no score for the empty last piece, no empty step");
		/* 4 scores for 2 pieces: no convention; one node, its last score */
		int32_t last = (int32_t)tree_count(tr.tree) - 1;
		ok(N(&tr, last)->depth == 1 && fabs(N(&tr, last)->prm - 0.8) < 1e-6,
		   "a count no PRM gives: one node scored by its last score");
		trace_free(&tr);
	}
	free(f);
}

/* written by OpenR's own rStar search (README): its draw_tree dumps */
static void test_openr(void)
{
	char *f = path_in(srcdir, "tests/data/import/openr-rstar.log");
	struct trace tr;
	struct seen s;
	char err[1024];
	memset(&s, 0, sizeof s);
	int rc = import_load("openr", f, -1, "Janet's ducks", &tr, &s, err, sizeof err);
	ok(!rc, "OpenR's rStar log imports (%s)", rc ? err : "ok");
	if (!rc) {
		is_int(s.units, 14, "a unit a dump (OpenR draws the tree at every step of a rollout)");
		is_int(tree_count(tr.tree), 29, "the 28 nodes its dumps name, and the question");
		size_t kinds[NODE_KIND_COUNT] = {0};
		for (size_t i = 1; i < tree_count(tr.tree); i++)
			kinds[N(&tr, i)->kind]++;
		ok(kinds[NODE_STEP] && kinds[NODE_SOLUTION] && kinds[NODE_SUBQUESTION] && kinds[NODE_REPHRASE] &&
			   kinds[NODE_REANSWER],
		   "TS, DA, SQ, RU and RS are steps, answers, sub-questions, rephrasings and re-answers");
		ok(strstr(N(&tr, 1)->text, "TS-1: a one-step thought (A1)") == N(&tr, 1)->text && N(&tr, 1)->action == 1,
		   "a node is named by its type and id, as the dump has nothing more");
		ok(!tr.final_answer && strstr(s.final_reason, "record no texts, values or answers"),
		   "no answer is made up: the dump holds none, and the reason says so");
		trace_free(&tr);
	}
	free(f);
}

static void test_records(void)
{
	struct import_records r;
	char err[512];
	char *f = path_in(tmpdir, "rec.json");
	write_file(f, "[{\"a\":1},\n {\"a\":2}]\n");
	ok(!import_read_records(f, &r, err, sizeof err) && r.n == 2 && !r.single, "a JSON list: its elements");
	import_records_free(&r);
	write_file(f, "[{\"a\":1}, {\"a\":2}, {\"a\":3}]");
	ok(!import_read_records(f, &r, err, sizeof err) && r.n == 3, "a list on one line: its elements");
	import_records_free(&r);
	write_file(f, "\n{\"a\":1}\n\n{\"a\":2}\n");
	ok(!import_read_records(f, &r, err, sizeof err) && r.n == 2 && r.line[1] == 4,
	   "JSON Lines: blank lines skipped, lines counted");
	import_records_free(&r);
	write_file(f, "{\n  \"a\": 1\n}\n");
	ok(!import_read_records(f, &r, err, sizeof err) && r.n == 1 && r.single, "one object over many lines");
	import_records_free(&r);
	write_file(f, "{\n  \"a\": 1,\n  \"b\": [1, 2,\n}\n");
	ok(import_read_records(f, &r, err, sizeof err) && strstr(err, "rec.json:4:1: not valid JSON"),
	   "a broken document: line and column (%s)", err);
	/* records pretty-printed and saved end to end, as PRM800K's users
	 * save samples: every one is read, none dropped */
	write_file(f, "{\n  \"a\": 1\n}\n{\n  \"a\": 2\n}\n\n{\"a\": 3}\n");
	ok(!import_read_records(f, &r, err, sizeof err) && r.n == 3 && !r.single && r.line[1] == 4 && r.line[2] == 8,
	   "concatenated pretty-printed records: all 3, each with its line");
	if (r.n == 3)
		ok(cJSON_GetObjectItemCaseSensitive(r.v[2], "a")->valueint == 3, "the last one too");
	import_records_free(&r);
	write_file(f, "{\n  \"a\": 1\n}\n{\"a\": 2} trailing\n");
	ok(import_read_records(f, &r, err, sizeof err) && strstr(err, "rec.json:4:10: not valid JSON (after the document before it)"),
	   "trailing text after a record is an error with its place, never dropped (%s)", err);
	free(f);
}

int main(void)
{
	srcdir = getenv("SRCDIR");
	if (!srcdir)
		srcdir = ".";
	snprintf(tmpdir, sizeof tmpdir, "/tmp/canopy-test-import-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_records();
	test_prm800k();
	test_reasoners();
	test_sal_counts();
	test_sal_own();
	test_openr();
	test_rstar();
	test_sal();
	test_refine();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return tap_done();
}
