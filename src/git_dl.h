/* libgit2, loaded when first needed instead of when the program starts (see git_dl.c).
 * source_git.c and diff.c, the only files that call libgit2, include this instead of
 * git2.h: it declares a pointer for each function they use and turns each call into a
 * call through it. A function missing from the list is a link error (postlint does not
 * link libgit2), never a silent direct call. */
#ifndef POSTLINT_GIT_DL_H
#define POSTLINT_GIT_DL_H

#include <stdbool.h>

#include <git2.h>
#include <git2/sys/repository.h>

#include "util/buf.h"

/* the library's run-time name, from the headers built against: the ABI they describe */
#define GIT_DL_LIBRARY "libgit2.so." LIBGIT2_SOVERSION

#define GIT_DL_FUNCTIONS(X) \
	X(git_blob_free) \
	X(git_blob_lookup) \
	X(git_blob_rawcontent) \
	X(git_blob_rawsize) \
	X(git_buf_dispose) \
	X(git_commit_free) \
	X(git_commit_lookup) \
	X(git_commit_tree) \
	X(git_config_free) \
	X(git_config_get_path) \
	X(git_diff_find_options_init) \
	X(git_diff_find_similar) \
	X(git_diff_free) \
	X(git_diff_get_delta) \
	X(git_diff_num_deltas) \
	X(git_diff_options_init) \
	X(git_diff_tree_to_index) \
	X(git_diff_tree_to_tree) \
	X(git_error_last) \
	X(git_ignore_path_is_ignored) \
	X(git_index_conflict_iterator_free) \
	X(git_index_conflict_iterator_new) \
	X(git_index_conflict_next) \
	X(git_index_entrycount) \
	X(git_index_free) \
	X(git_index_get_byindex) \
	X(git_index_get_bypath) \
	X(git_index_has_conflicts) \
	X(git_index_open) \
	X(git_libgit2_init) \
	X(git_libgit2_opts) \
	X(git_libgit2_shutdown) \
	X(git_libgit2_version) \
	X(git_merge_base) \
	X(git_object_free) \
	X(git_object_id) \
	X(git_object_peel) \
	X(git_odb_hash) \
	X(git_oid_cpy) \
	X(git_oid_fromstr) \
	X(git_oid_tostr) \
	X(git_patch_free) \
	X(git_patch_from_buffers) \
	X(git_patch_to_buf) \
	X(git_reference_name_to_id) \
	X(git_repository_config_snapshot) \
	X(git_repository_free) \
	X(git_repository_index) \
	X(git_repository_is_shallow) \
	X(git_repository_item_path) \
	X(git_repository_open) \
	X(git_repository_open_ext) \
	X(git_repository_path) \
	X(git_repository_set_index) \
	X(git_repository_workdir) \
	X(git_revparse) \
	X(git_revparse_single) \
	X(git_tree_entry_filemode) \
	X(git_tree_entry_id) \
	X(git_tree_entry_name) \
	X(git_tree_entry_type) \
	X(git_tree_free) \
	X(git_tree_walk)

#define GIT_DL_DECLARE(name) extern __typeof__(name) *git_dl_##name;
GIT_DL_FUNCTIONS(GIT_DL_DECLARE)
#undef GIT_DL_DECLARE

/* Loads libgit2 (the environment's POSTLINT_LIBGIT2 when set, else GIT_DL_LIBRARY) and
 * resolves every function of the list. Safe on any one thread; call it once. -1 with the
 * reason in err when the library or a function is missing. */
int git_dl_load(struct buf *err);
/* Whether libgit2 is linked into postlint (POSTLINT_STATIC_LIBGIT2) rather than loaded. */
bool git_dl_linked(void);

#ifndef GIT_DL_DEFINE
#define git_blob_free git_dl_git_blob_free
#define git_blob_lookup git_dl_git_blob_lookup
#define git_blob_rawcontent git_dl_git_blob_rawcontent
#define git_blob_rawsize git_dl_git_blob_rawsize
#define git_buf_dispose git_dl_git_buf_dispose
#define git_commit_free git_dl_git_commit_free
#define git_commit_lookup git_dl_git_commit_lookup
#define git_commit_tree git_dl_git_commit_tree
#define git_config_free git_dl_git_config_free
#define git_config_get_path git_dl_git_config_get_path
#define git_diff_find_options_init git_dl_git_diff_find_options_init
#define git_diff_find_similar git_dl_git_diff_find_similar
#define git_diff_free git_dl_git_diff_free
#define git_diff_get_delta git_dl_git_diff_get_delta
#define git_diff_num_deltas git_dl_git_diff_num_deltas
#define git_diff_options_init git_dl_git_diff_options_init
#define git_diff_tree_to_index git_dl_git_diff_tree_to_index
#define git_diff_tree_to_tree git_dl_git_diff_tree_to_tree
#define git_error_last git_dl_git_error_last
#define git_ignore_path_is_ignored git_dl_git_ignore_path_is_ignored
#define git_index_conflict_iterator_free git_dl_git_index_conflict_iterator_free
#define git_index_conflict_iterator_new git_dl_git_index_conflict_iterator_new
#define git_index_conflict_next git_dl_git_index_conflict_next
#define git_index_entrycount git_dl_git_index_entrycount
#define git_index_free git_dl_git_index_free
#define git_index_get_byindex git_dl_git_index_get_byindex
#define git_index_get_bypath git_dl_git_index_get_bypath
#define git_index_has_conflicts git_dl_git_index_has_conflicts
#define git_index_open git_dl_git_index_open
#define git_libgit2_init git_dl_git_libgit2_init
#define git_libgit2_opts git_dl_git_libgit2_opts
#define git_libgit2_shutdown git_dl_git_libgit2_shutdown
#define git_libgit2_version git_dl_git_libgit2_version
#define git_merge_base git_dl_git_merge_base
#define git_object_free git_dl_git_object_free
#define git_object_id git_dl_git_object_id
#define git_object_peel git_dl_git_object_peel
#define git_odb_hash git_dl_git_odb_hash
#define git_oid_cpy git_dl_git_oid_cpy
#define git_oid_fromstr git_dl_git_oid_fromstr
#define git_oid_tostr git_dl_git_oid_tostr
#define git_patch_free git_dl_git_patch_free
#define git_patch_from_buffers git_dl_git_patch_from_buffers
#define git_patch_to_buf git_dl_git_patch_to_buf
#define git_reference_name_to_id git_dl_git_reference_name_to_id
#define git_repository_config_snapshot git_dl_git_repository_config_snapshot
#define git_repository_free git_dl_git_repository_free
#define git_repository_index git_dl_git_repository_index
#define git_repository_is_shallow git_dl_git_repository_is_shallow
#define git_repository_item_path git_dl_git_repository_item_path
#define git_repository_open git_dl_git_repository_open
#define git_repository_open_ext git_dl_git_repository_open_ext
#define git_repository_path git_dl_git_repository_path
#define git_repository_set_index git_dl_git_repository_set_index
#define git_repository_workdir git_dl_git_repository_workdir
#define git_revparse git_dl_git_revparse
#define git_revparse_single git_dl_git_revparse_single
#define git_tree_entry_filemode git_dl_git_tree_entry_filemode
#define git_tree_entry_id git_dl_git_tree_entry_id
#define git_tree_entry_name git_dl_git_tree_entry_name
#define git_tree_entry_type git_dl_git_tree_entry_type
#define git_tree_free git_dl_git_tree_free
#define git_tree_walk git_dl_git_tree_walk
#endif

#endif
