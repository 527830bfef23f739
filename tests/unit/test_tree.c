/* tree: the node arena. */
#include <math.h>
#include <string.h>

#include "tap.h"
#include "tree.h"

struct walk {
	struct tree *t;
	int asked;
};

static double tr_reward(void *ctx, int32_t id)
{
	struct walk *w = ctx;
	w->asked++;
	return tree_node(w->t, id)->prm;
}

static int tr_enter(void *ctx, int32_t id)
{
	return !(tree_node(((struct walk *)ctx)->t, id)->flags & NF_PRUNED);
}

static int tr_terminal(void *ctx, int32_t id)
{
	return tree_node(((struct walk *)ctx)->t, id)->answer != NULL;
}

static const struct tree_path_ops tr_ops = {.reward = tr_reward, .enter = tr_enter, .terminal = tr_terminal};

/* llm-reasoners' max-reward output: sums, means, first of equals. */
static void test_max_reward(void)
{
	struct tree *t = tree_new();
	tree_add(t, NODE_NONE, NODE_PROBLEM, "q", 1);
	int32_t a = tree_add(t, 0, NODE_STEP, "a", 1), b = tree_add(t, 0, NODE_STEP, "b", 1);
	int32_t a1 = tree_add(t, a, NODE_STEP, "a1", 2), b1 = tree_add(t, b, NODE_STEP, "b1", 2);
	int32_t c = tree_add(t, 0, NODE_STEP, "c", 1);
	tree_node_mut(t, a)->prm = 0.75f;
	tree_node_mut(t, a1)->prm = 0.25f; /* a, a1: sum 1.0, mean 0.5 */
	tree_node_mut(t, b)->prm = 0.5f;
	tree_node_mut(t, b1)->prm = 0.5f; /* b, b1: sum 1.0, mean 0.5 */
	tree_node_mut(t, c)->prm = 0.875f; /* c alone: sum and mean 0.875 (exact in binary) */
	tree_set_answer(t, a1, "1");
	tree_set_answer(t, b1, "2");
	tree_set_answer(t, c, "3");
	struct walk w = {t, 0};
	double v = 0;
	unsigned steps = 0;
	is_int(tree_max_reward_path(t, &tr_ops, &w, 0, &v, &steps), a1, "by sum: the first of equal sums (a1)");
	ok(fabs(v - 1.0) < 1e-6 && steps == 2, "its sum 1.0 over 2 steps");
	is_int(w.asked, 5, "every node reached is asked its reward");
	is_int(tree_max_reward_path(t, &tr_ops, &w, 1, &v, &steps), c, "by mean: c's 0.875 beats 0.5");
	ok(fabs(v - 0.875) < 1e-6 && steps == 1, "its mean 0.875 over 1 step");
	tree_prune(t, a);
	is_int(tree_max_reward_path(t, &tr_ops, &w, 0, &v, &steps), b1, "a path through a node not entered is not one");
	tree_prune(t, b);
	tree_prune(t, c);
	is_int(tree_max_reward_path(t, &tr_ops, &w, 0, &v, &steps), NODE_NONE, "no path ends: none");
	tree_free(t);
}

int main(void)
{
	test_max_reward();
	struct tree *t = tree_new();
	is_int(tree_add(t, 5, NODE_STEP, "x", 1), NODE_NONE, "a node needs an existing parent");
	int32_t root = tree_add(t, NODE_NONE, NODE_PROBLEM, "What?", 5);
	is_int(root, 0, "the problem is node 0");
	is_int(tree_add(t, NODE_NONE, NODE_PROBLEM, "again", 5), NODE_NONE, "only one root");
	int32_t a = tree_add(t, 0, NODE_STEP, "a", 1);
	int32_t b = tree_add(t, 0, NODE_STEP, "b", 1);
	int32_t a1 = tree_add(t, a, NODE_STEP, "a1", 2);
	int32_t a2 = tree_add(t, a, NODE_STEP, "a2", 2);
	int32_t a11 = tree_add(t, a1, NODE_STEP, "a11", 3);
	const struct node *r = tree_node(t, 0);
	is_int(r->nchildren, 2, "root has two children");
	is_int(r->first_child, a, "first child");
	is_int(tree_node(t, a)->next_sibling, b, "siblings are linked in order");
	is_int(tree_node(t, a11)->depth, 3, "depth counts from the root");
	is_str(tree_node(t, a2)->text, "a2", "text is stored");
	ok(isnan(tree_node(t, a2)->prm) && isnan(tree_node(t, a2)->orm), "scores start unset");
	is_int(tree_node(t, a2)->round, -1, "no round by default");

	int32_t path[8];
	size_t n = tree_path(t, a11, path, 8);
	ok(n == 4 && path[0] == 0 && path[1] == a && path[2] == a1 && path[3] == a11, "path from the root");
	is_int(tree_path(t, a11, path, 2), 4, "tree_path reports the full length even when cut");
	is_int(tree_child_with_text(t, a, "a2", 2), a2, "a child found by its exact text");
	is_int(tree_child_with_text(t, a, "a", 1), NODE_NONE, "a prefix of a child's text is not it");
	is_int(tree_child_with_text(t, 0, "a1", 2), NODE_NONE, "a grandchild is not a child");
	ok(node_text_is(tree_node(t, a11), "a11", 3) && !node_text_is(tree_node(t, a11), "a1", 2), "exact text");

	is_int(tree_prune(t, a), 4, "pruning marks the whole subtree");
	ok((tree_node(t, a11)->flags & NF_PRUNED) && !(tree_node(t, b)->flags & NF_PRUNED),
	   "the sibling is untouched");
	is_int(tree_prune(t, a), 0, "pruning twice marks nothing new");

	tree_mark_final(t, a11);
	ok((tree_node(t, a1)->flags & NF_FINAL) && (tree_node(t, 0)->flags & NF_FINAL), "final path marked");
	tree_mark_final(t, b);
	ok(!(tree_node(t, a1)->flags & NF_FINAL) && (tree_node(t, b)->flags & NF_FINAL),
	   "a new final path replaces the old one");
	tree_set_answer(t, b, "42");
	ok(tree_node(t, b)->flags & NF_TERMINAL, "an answer makes a node terminal");
	is_str(tree_node(t, b)->answer, "42", "the answer is kept");
	is_int(node_kind_parse("subquestion", 11), NODE_SUBQUESTION, "kind names parse");
	is_int(node_kind_parse("bogus", 5), -1, "unknown kinds do not");
	tree_free(t);

	/* a deep chain and many nodes: no recursion, no per-node malloc */
	t = tree_new();
	tree_add(t, NODE_NONE, NODE_PROBLEM, "p", 1);
	int32_t last = 0;
	for (int i = 0; i < 300000; i++)
		last = tree_add(t, last, NODE_STEP, "step text", 9);
	is_int(tree_max_depth(t), 300000, "a 300k-deep chain");
	is_int(tree_prune(t, 1), 300000, "pruning a very deep subtree does not recurse");
	char big[3 << 20];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	int32_t bid = tree_add(t, 0, NODE_STEP, big, sizeof big - 1);
	is_int(tree_node(t, bid)->text_len, sizeof big - 1, "a text larger than a chunk");
	is_int(tree_node(t, 5)->text[0], 's', "earlier texts survive a big one");
	tree_free(t);

	/* snapshots: pages shared until written, restored exactly */
	t = tree_new();
	tree_add(t, NODE_NONE, NODE_PROBLEM, "p", 1);
	for (int i = 1; i < 10000; i++)
		tree_add(t, i - 1 - (i % 3 == 0 && i > 1), NODE_STEP, "s", 1);
	tree_node_mut(t, 42)->prm = 0.5f;
	struct tree_snap *s1 = tree_snap_take(t);
	is_int(tree_shared_bytes(t), 0, "a snapshot copies nothing while the tree is unchanged");
	tree_node_mut(t, 42)->prm = 0.9f;
	ok(tree_shared_bytes(t) > 0, "writing a shared page copies it");
	size_t one_page = tree_shared_bytes(t);
	tree_node_mut(t, 43)->prm = 0.8f;
	is_int(tree_shared_bytes(t), one_page, "the copy is the tree's own: no second copy");
	tree_prune(t, 5000);
	for (int i = 0; i < 5000; i++)
		tree_add(t, 9999, NODE_STEP, "n", 1);
	tree_mark_final(t, 14000);
	struct tree_snap *s2 = tree_snap_take(t);
	tree_snap_restore(t, s1);
	is_int(tree_count(t), 10000, "restored: the node count of then");
	ok(tree_node(t, 42)->prm == 0.5f && isnan(tree_node(t, 43)->prm), "restored: the scores of then");
	ok(!(tree_node(t, 5000)->flags & NF_PRUNED) && tree_final_leaf(t) == NODE_NONE &&
	   tree_node(t, 9999)->nchildren == 0,
	   "restored: no prune, no final path, no children added after");
	tree_add(t, 9999, NODE_STEP, "other", 5);
	ok(tree_node(t, 9999)->nchildren == 1 && tree_snap_count(s2) == 15000,
	   "growing after a restore leaves the later snapshot alone");
	tree_snap_restore(t, s2);
	ok(tree_count(t) == 15000 && tree_node(t, 42)->prm == 0.9f && (tree_node(t, 5000)->flags & NF_PRUNED) &&
	   tree_final_leaf(t) == 14000 && !strcmp(tree_node(t, 10000)->text, "n"),
	   "and the later snapshot restores as it was");
	tree_snap_free(t, s1);
	tree_snap_free(t, s2);
	is_int(tree_shared_bytes(t), 0, "freed snapshots hold nothing");
	tree_free(t);
	return tap_done();
}
