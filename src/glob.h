/* Path globs for include, exclude and overrides in .lintrc (relative to the .lintrc folder).
 *
 *   *      any run of characters except '/'      ?   one character except '/'
 *   **     any number of whole path segments     [abc] [a-z] [!abc]  one character of a set
 * A pattern without '/' matches a file or folder name at any depth ("*.md", "drafts"), as in
 * .gitignore; a pattern that matches a folder also matches everything under it. */
#ifndef POSTLINT_GLOB_H
#define POSTLINT_GLOB_H

#include <stdbool.h>

bool glob_match(const char *pattern, const char *path);

#endif
