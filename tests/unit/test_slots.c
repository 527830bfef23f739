/* slots: a request goes to the free slot whose cache holds most of its
 * prompt; among equals the least recently used; none when all are busy.
 * The chains below stand for prompts: {problem, step 1, step 2, ...}. */
#include "slots.h"
#include "tap.h"

int main(void)
{
	struct slots s;
	slots_init(&s, 3);
	const uint64_t a[] = {1, 10, 11}, a_more[] = {1, 10, 11, 12}, b[] = {1, 20}, b_more[] = {1, 20, 21},
		       c[] = {2, 30}, d[] = {3};
	is_int(slots_free_count(&s), 3, "three free slots");
	is_int(slots_pick(&s, a, 3), 0, "empty slots: the first");
	is_int(slots_pick(&s, b, 2), 1, "slot 0 is busy: the next");
	slots_release(&s, 0);
	slots_release(&s, 1);
	/* a_more shares 3 prefixes with slot 0, 1 with slot 1, 0 with slot 2 */
	is_int(slots_pick(&s, a_more, 4), 0, "a prompt extending slot 0's goes back to slot 0");
	/* b_more shares 2 with slot 1, 1 with nothing else free but slot 2 (0) */
	is_int(slots_pick(&s, b_more, 3), 1, "one extending slot 1's goes to slot 1");
	is_int(slots_pick(&s, c, 2), 2, "another problem takes the slot left");
	is_int(slots_pick(&s, d, 1), -1, "all busy: none, the call waits");
	is_int(slots_free_count(&s), 0, "no free slot");
	slots_release(&s, 1);
	is_int(slots_pick(&s, c, 2), 1, "the only free slot, whatever it holds");
	slots_release(&s, 0);
	slots_release(&s, 1);
	slots_release(&s, 2);
	/* now slot 0 holds a_more (given out 3rd), slot 1 c (6th), slot 2 c
	 * (5th): d shares nothing with any, so the least recently used */
	is_int(slots_pick(&s, d, 1), 0, "nothing in common: the least recently used (slot 0)");
	slots_release(&s, 0);
	/* b shares nothing with d (slot 0) or c (slots 1, 2): slot 2 was
	 * given out before slot 1 */
	is_int(slots_pick(&s, b, 2), 2, "again nothing in common: slot 2, used before slot 1");
	slots_free(&s);
	slots_init(&s, 0);
	is_int(slots_pick(&s, a, 3), -1, "no slots known: no pinning");
	slots_free(&s);
	return tap_done();
}
