/* params: parsing, ranges, choices, aggregation of step scores. */
#include <math.h>

#include "params.h"
#include "tap.h"

int main(void)
{
	double v;
	char err[160];
	is_int(param_lookup("width"), P_WIDTH, "lookup by name");
	is_int(param_lookup("nope"), -1, "unknown names");
	ok(!param_parse(P_N, "16", &v, err, sizeof err) && v == 16, "an integer parameter");
	ok(param_parse(P_N, "0", &v, err, sizeof err) == -1, "below the range");
	ok(param_parse(P_N, "2.5", &v, err, sizeof err) == -1, "not a whole number");
	is_str(err, "n must be a whole number from 1 to 65536, not \"2.5\"", "the message names the range");
	ok(!param_parse(P_TEMPERATURE, "0.7", &v, err, sizeof err) && v == 0.7, "a real parameter");
	ok(param_parse(P_TEMPERATURE, "hot", &v, err, sizeof err) == -1, "garbage is refused");
	ok(!param_parse(P_AGG, "prod", &v, err, sizeof err) && v == AGG_PROD, "a choice");
	ok(param_parse(P_AGG, "max", &v, err, sizeof err) == -1, "an unknown choice");
	struct strbuf sb;
	sb_init(&sb);
	param_format(P_AGG, AGG_MEAN, &sb);
	is_str(sb.s, "mean", "choices format by name");
	sb_free(&sb);

	/* worked by hand: scores 0.9, 0.5, 0.8 */
	double s[] = {0.9, 0.5, 0.8};
	is_num(agg_scores(AGG_LAST, s, 3), 0.8, 1e-12, "last = 0.8");
	is_num(agg_scores(AGG_MIN, s, 3), 0.5, 1e-12, "min = 0.5");
	is_num(agg_scores(AGG_PROD, s, 3), 0.36, 1e-12, "prod = 0.9*0.5*0.8 = 0.36");
	is_num(agg_scores(AGG_MEAN, s, 3), 2.2 / 3, 1e-12, "mean = 2.2/3");
	ok(isnan(agg_scores(AGG_LAST, s, 0)), "no steps, no score");
	struct params p = {0};
	p.set[P_N] = 1;
	p.v[P_N] = 3;
	static const struct param_default d[] = {{P_N, 8}, {P_WIDTH, 4}, {P_COUNT, 0}};
	params_apply_defaults(&p, d);
	ok(p.v[P_N] == 3 && p.v[P_WIDTH] == 4, "defaults fill only what the user left out");
	return tap_done();
}
