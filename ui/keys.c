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
