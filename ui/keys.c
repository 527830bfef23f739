#include "keys.h"

const struct key_binding key_table[] = {
#define X(id, shown, k1, k2, k3, modes, help) {A_##id, shown, {k1, k2, k3}, modes, help},
	KEY_TABLE(X)
#undef X
};

const size_t key_table_len = sizeof key_table / sizeof key_table[0];

enum action key_action(int key, int mode)
{
	for (size_t i = 0; i < key_table_len; i++) {
		if (!(key_table[i].modes & mode))
			continue;
		for (int k = 0; k < 3; k++)
			if (key_table[i].keys[k] && key_table[i].keys[k] == key)
				return key_table[i].action;
	}
	return A_NONE;
}

/* What every mark, number and colour on the screen means: one table, as
 * the keys and the commands are.  {utf8 mark, ASCII mark, meaning} */
const struct mark_entry mark_table[] = {
	{"\xE2\x98\x85", "*", "the search's answer: the node its final event names (a jumps to it; b to the "
			    "highest score, which may differ)"},
	{"\xE2\x97\x8F", "@", "a node on the path from the root to the search's answer"},
	{"\xC3\x97", "x", "pruned by the search (dimmed, its bar too; z hides pruned subtrees)"},
	{"\xE2\x8A\x97", "X", "pruned by you (d), in the 'tree.pruned.user' colour"},
	{"\xE2\x9C\x93 \xE2\x9C\x97", "ok x", "after an answer (in the tree and the votes): right or wrong against "
					     "the gold answer, in the 'correct' or 'wrong' colour"},
	{"!", "!", "with I on: a PRM inversion, a wrong step scored above a right sibling (n/N go through them)"},
	{"rollout", "rollout", "after s or { }: the MCTS rollout just run, in the 'tree.rollout' colour"},
	{"[4 steps]", "[4 steps]", "a solution's steps, a critique's verdict, what a refinement changed"},
	{"\xE2\x96\xBE \xE2\x96\xB8", "- +", "a node with children, unfolded or folded (h, l, Enter)"},
	{"\xE2\x86\x92", ">", "the answer the node states"},
	{"0.82 \xE2\x96\x88\xE2\x96\x8C", "0.82 #", "its PRM score (else ORM), and as a bar: green high, yellow mid, red low"},
	{"N= Q/N=", "N= Q/N=", "MCTS: the rollouts through the node, and the mean of their rewards (Q, their "
			       "sum, is in the detail); an import's mean without counts is mean="},
	{"A1-A5", "A1-A5", "rStar's actions: propose a step, the rest at once, a sub-question, re-answer it, "
			    "rephrase"},
	{"new", "new", "a live node less than a second old is drawn in the 'tree.new' colour"},
	{"\xE2\x9C\x93 \xE2\x9C\x97", "ok WRONG", "the search's answer against the gold, in the title, then why "
						 "it was chosen (or why there is none)"},
	{"mouse", "mouse", "the wheel scrolls; a click selects a node; in a replay, a click on the status "
			    "line's scrubber seeks to that point"},
	{"\xE2\x94\x81\xE2\x97\x8F\xE2\x94\x80", "=|-", "the scrubber: how far into the trace a replay's cursor is"},
};
const size_t mark_table_len = sizeof mark_table / sizeof *mark_table;
