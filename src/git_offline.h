/* Keeps libgit2 from loading TLS trust roots and SSH crypto postlint never uses (see
 * git_offline.c). */
#ifndef POSTLINT_GIT_OFFLINE_H
#define POSTLINT_GIT_OFFLINE_H

/* mbedtls's signature, with the types left opaque: postlint does not build against mbedtls. */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);
/* libssh2's. */
int libssh2_init(int flags);

#endif
