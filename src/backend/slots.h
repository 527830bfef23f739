/* slots: a llama.cpp server's slots as canopy sees them, so that a
 * request goes to a free slot whose KV cache already holds the longest
 * part of its prompt (the problem and the steps it shares with the
 * request that slot served last), and no more requests are sent than the
 * server has slots; the rest wait in canopy, where a prune can still drop
 * them for free. */
#ifndef CANOPY_SLOTS_H
#define CANOPY_SLOTS_H

#include <stddef.h>
#include <stdint.h>

struct slot {
	uint64_t *chain; /* what the slot's cache holds: prefix hashes */
	size_t len, cap;
	int busy;
	uint64_t used; /* when it was last given out */
};

struct slots {
	struct slot *v;
	int n;
	uint64_t clock;
};

void slots_init(struct slots *s, int n);
void slots_free(struct slots *s);
int slots_free_count(const struct slots *s);
/* A free slot for a prompt whose prefixes hash to chain[0..len) (chain[0]
 * the template and problem, chain[k] after k steps): the one sharing the
 * longest run of prefixes, the least recently used among equals.  Marks
 * it busy and remembers chain as what it will hold.  -1 when all are
 * busy. */
int slots_pick(struct slots *s, const uint64_t *chain, size_t len);
void slots_release(struct slots *s, int slot);
/* How well a free slot suits a prompt now: the longest run of prefixes a
 * free slot shares with chain, less the longest a busy one shares (a
 * prompt whose prefix is being evaluated elsewhere does better to wait
 * for that slot, while another prompt takes this one).  LONG_MIN when no
 * slot is free. */
long slots_affinity(const struct slots *s, const uint64_t *chain, size_t len);

#endif
