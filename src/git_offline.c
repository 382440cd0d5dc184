/* postlint never talks to a remote: it reads repositories on disk. Debian's libgit2 is built
 * with mbedtls, and its git_libgit2_init parses the system's whole CA bundle (~140
 * certificates, 56 million instructions: more than the rest of a one-post lint) for TLS
 * connections that never come. This definition takes the place of mbedtls's for libgit2
 * (an executable's symbols come first in the dynamic linker's search order), so the bundle
 * is not read. libgit2 then has an empty trust store: were anything ever to open an https
 * remote, the certificate check would fail rather than pass. Builds of libgit2 on OpenSSL
 * never call it. */
#include "git_offline.h"

int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0; /* "no certificate could not be parsed": an empty chain, and no error */
}

/* The same for SSH: libgit2's init calls libssh2_init, which initialises OpenSSL's crypto
 * (its engines and error strings: about a million instructions and the page faults of
 * libcrypto's data, at every start that reads git). postlint opens no remote, so SSH is never
 * used; were it ever, libssh2 would find its crypto uninitialised and fail, not connect. */
int libssh2_init(int flags)
{
	(void)flags;
	return 0;
}
