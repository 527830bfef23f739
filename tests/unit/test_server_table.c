/* server_table: one entry a server, shared by threads: never more calls
 * out than its limit, each slot given out once, a restart with fewer
 * slots forgotten at once, the KV-full limit halved and raised again, the
 * refusals learnt once. */
#include <pthread.h>

#include "server_table.h"
#include "tap.h"

/* bench workers: each takes and gives back room many times; none may
 * see more out than the limit, or a slot another holds */
struct worker_arg {
	struct srv *s;
	int over, twice;
};
static int held[4];
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *p)
{
	struct worker_arg *a = p;
	const uint64_t chain[] = {7, 8};
	for (int i = 0; i < 20000; i++) {
		int slot;
		if (!srv_take(a->s, 1, chain, 2, &slot, NULL))
			continue;
		if (srv_load(a->s) > 4)
			a->over++;
		pthread_mutex_lock(&held_lock);
		if (slot >= 0 && held[slot]++)
			a->twice++;
		pthread_mutex_unlock(&held_lock);
		pthread_mutex_lock(&held_lock);
		if (slot >= 0)
			held[slot]--;
		pthread_mutex_unlock(&held_lock);
		srv_give(a->s, 1, slot);
	}
	return NULL;
}

int main(void)
{
	struct srv *s = srv_get("http://127.0.0.1:9");
	ok(srv_get("http://127.0.0.1:9") == s, "one entry a base URL");
	srv_put(s);
	struct srv_props p = {.slots = 4, .n_ctx = 512, .llama = 1, .status = 200};
	srv_set_props(s, &p);
	is_int(srv_props(s).n_ctx, 512, "the props are kept");

	pthread_t th[4];
	struct worker_arg a[4];
	for (int i = 0; i < 4; i++) {
		a[i] = (struct worker_arg){s, 0, 0};
		pthread_create(&th[i], NULL, worker, &a[i]);
	}
	int over = 0, twice = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		over += a[i].over;
		twice += a[i].twice;
	}
	is_int(over, 0, "four threads taking room: never more out than the 4 slots");
	is_int(twice, 0, "and never one slot given to two calls at once");
	is_int(srv_load(s), 0, "everything given back");

	/* an n_cmpl call of 6 samples on an idle server goes; then nothing */
	int slot;
	const uint64_t c[] = {1};
	ok(srv_take(s, 6, c, 1, &slot, NULL) && slot == -1, "an idle server takes a call larger than its slots, unpinned");
	ok(!srv_take(s, 1, c, 1, &slot, NULL), "and then has no room");
	srv_give(s, 6, -1);

	/* restarted with 2 slots */
	int taken[4], mask = 0;
	for (int i = 0; i < 4; i++) {
		srv_take(s, 1, c, 1, &taken[i], NULL);
		mask |= taken[i] >= 0 ? 1 << taken[i] : 0;
	}
	is_int(mask, 15, "four calls on four slots: each pinned to its own");
	p.slots = 2;
	srv_set_props(s, &p);
	ok(!srv_slot_ok(s, 3) && !srv_slot_ok(s, 2), "after a restart with 2 slots, slots 2 and 3 are gone");
	ok(srv_slot_ok(s, 1) && srv_slot_ok(s, -1), "slot 1 and no pin are fine");
	for (int i = 0; i < 4; i++)
		srv_give(s, 1, taken[i]);
	int got[3];
	for (int i = 0; i < 3; i++)
		got[i] = srv_take(s, 1, c, 1, &slot, NULL) ? slot : -2;
	ok(got[0] >= 0 && got[0] < 2 && got[1] >= 0 && got[1] < 2 && got[2] == -2,
	   "the new slot table: two calls, on slots 0 and 1, then no room");
	srv_give(s, 1, 0);
	srv_give(s, 1, 1);

	/* KV full: halved, raised by one after a limit's worth of replies */
	p.slots = 4;
	srv_set_props(s, &p);
	is_int(srv_kv_full(s), 2, "a KV-full error halves the limit (4 to 2)");
	is_int(srv_kv_full(s), 1, "again: 1");
	is_int(srv_kv_full(s), 1, "never below 1");
	srv_ok(s);
	is_int(srv_limit(s), 2, "one reply through at a limit of 1: 2");
	srv_ok(s);
	is_int(srv_limit(s), 2, "one of two at 2: still 2");
	srv_ok(s);
	is_int(srv_limit(s), 3, "two of two: 3");
	for (int i = 0; i < 10; i++)
		srv_ok(s);
	is_int(srv_limit(s), 4, "and back up to the slots, no further");

	/* without slots known: a limit from the load, lifted again */
	struct srv *v = srv_get("http://127.0.0.1:10");
	for (int i = 0; i < 8; i++)
		srv_take(v, 1, c, 1, &slot, NULL);
	is_int(srv_kv_full(v), 4, "no slots known: half the calls out then");
	for (int i = 0; i < 8; i++)
		srv_give(v, 1, -1);
	for (int i = 0; i < 40; i++)
		srv_ok(v);
	is_int(srv_limit(v), 0, "and no limit again once the replies go through");
	ok(!(srv_flags(v) & SRV_NO_N), "nothing refused yet");
	srv_set_flag(v, SRV_NO_N);
	struct srv *v2 = srv_get("http://127.0.0.1:10");
	ok(srv_flags(v2) & SRV_NO_N, "a refusal learnt is every user's");
	srv_put(v2);
	srv_put(v);
	srv_put(s);
	return tap_done();
}
