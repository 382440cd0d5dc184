/* string.find, string.match, string.gmatch and string.gsub with Lua 5.4 pattern semantics,
 * matched step by step so that a rule's pattern is charged to its instruction budget.
 *
 * Lua's own pattern functions backtrack inside C, where the instruction hook cannot fire, so
 * a pattern like ".-.-.-.-b" on a long string could run for minutes, stoppable only by ending
 * the process. These versions count every matching step and charge them to the running call
 * (host_charge), so such a pattern ends as an ordinary "instruction budget exceeded" error of
 * the rule that wrote it. Results and error messages are those of the stock library (tested
 * against it side by side in tests/unit/test_pattern.c). */
#ifndef POSTLINT_LUA_PATTERN_H
#define POSTLINT_LUA_PATTERN_H

#include <stdbool.h>

#include <lua.h>

/* Sets find, match, gmatch and gsub in the table at index t. With budgeted, matching steps
 * are charged with host_charge (the state must be a host's); without, nothing is charged
 * (for comparing with the stock functions in a plain Lua state). */
void pattern_register(lua_State *L, int t, bool budgeted);

#endif
