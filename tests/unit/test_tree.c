/* tree: the node arena. */
#include <math.h>
#include <string.h>

#include "tap.h"
#include "tree.h"

int main(void)
{
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
	return tap_done();
}
