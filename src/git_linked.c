/* Stand-ins for what libgit2 would reach a remote with, in the build that links Debian's
 * static libgit2 into postlint (POSTLINT_STATIC_LIBGIT2, the default; see CMakeLists.txt).
 *
 * postlint reads repositories on disk and never talks to a remote. Linked statically,
 * libgit2.a still refers to libssh2 (SSH remotes) and GSSAPI (HTTP "Negotiate"
 * authentication), whose own libraries would pull OpenSSL's libcrypto and Kerberos' five
 * into every start: the point of linking was to load none of the fifteen libraries a shared
 * libgit2 needs (4 ms of a one-post lint, relocations and page faults). So their functions
 * are defined here with libssh2.h's prototypes (and GSSAPI's, RFC 2744, whose headers
 * libgit2-dev does not bring), each failing as its library does when it cannot go on; the
 * transports that call them are never reached. libssh2_init succeeds: libgit2's own init
 * calls it.
 *
 * And TLS, which only https remotes use: libgit2's init set up mbedtls for connections that
 * never come - it seeded a random generator from the entropy sources (HAVEGE fills its
 * state: 1.4 million instructions, 9% of a one-post lint) and parsed the system's whole CA
 * bundle (56 million instructions, more than the rest of a one-post lint). The link wraps
 * libgit2's own mbedtls stream functions (-Wl,--wrap=git_mbedtls_...): the init does
 * nothing, and opening a TLS stream or setting a certificate location fails with an error
 * that says why, so no TLS stack without a trust store stands behind an https URL. (The
 * build that loads the shared libgit2 stops the CA parse in git_offline.c instead, through
 * the dynamic linker's search order.) */
#include <stddef.h>
#include <stdint.h>

#include <git2/errors.h>
#include <git2/sys/stream.h>
#include <libssh2.h>

/* ---- libgit2's mbedtls streams (src/libgit2/streams/mbedtls.h) ------------------------- */

#define NO_TLS "postlint reads repositories on disk only: it has no TLS for https remotes"

int __wrap_git_mbedtls_stream_global_init(void);
int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path);
int __wrap_git_mbedtls_stream_new(git_stream **out, const char *host, const char *port);
int __wrap_git_mbedtls_stream_wrap(git_stream **out, git_stream *in, const char *host);

int __wrap_git_mbedtls_stream_global_init(void)
{
	return 0;
}

int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path)
{
	(void)file;
	(void)path;
	git_error_set_str(GIT_ERROR_SSL, NO_TLS);
	return -1;
}

int __wrap_git_mbedtls_stream_new(git_stream **out, const char *host, const char *port)
{
	(void)host;
	(void)port;
	*out = NULL;
	git_error_set_str(GIT_ERROR_SSL, NO_TLS);
	return -1;
}

int __wrap_git_mbedtls_stream_wrap(git_stream **out, git_stream *in, const char *host)
{
	(void)in;
	(void)host;
	*out = NULL;
	git_error_set_str(GIT_ERROR_SSL, NO_TLS);
	return -1;
}

/* ---- GSSAPI (RFC 2744): types as its C binding declares them -------------------------- */

typedef uint32_t OM_uint32;
typedef void *gss_OID, *gss_OID_set, *gss_buffer_t, *gss_ctx_id_t, *gss_name_t,
	*gss_cred_id_t, *gss_channel_bindings_t;

#define GSS_S_FAILURE (13u << 16)

void *GSS_C_NT_HOSTBASED_SERVICE = NULL;

static OM_uint32 gss_fails(OM_uint32 *minor)
{
	if (minor)
		*minor = 0;
	return GSS_S_FAILURE;
}

OM_uint32 gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context, gss_buffer_t token);
OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int type, gss_OID mech,
			     OM_uint32 *context, gss_buffer_t string);
OM_uint32 gss_import_name(OM_uint32 *minor, gss_buffer_t name, gss_OID type, gss_name_t *out);
OM_uint32 gss_indicate_mechs(OM_uint32 *minor, gss_OID_set *mechs);
OM_uint32 gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t credential,
			       gss_ctx_id_t *context, gss_name_t target, gss_OID mech,
			       OM_uint32 flags, OM_uint32 lifetime,
			       gss_channel_bindings_t bindings, gss_buffer_t input,
			       gss_OID *actual_mech, gss_buffer_t output, OM_uint32 *ret_flags,
			       OM_uint32 *time_rec);
OM_uint32 gss_release_buffer(OM_uint32 *minor, gss_buffer_t buffer);
OM_uint32 gss_release_name(OM_uint32 *minor, gss_name_t *name);
OM_uint32 gss_release_oid_set(OM_uint32 *minor, gss_OID_set *set);

OM_uint32 gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context, gss_buffer_t token)
{
	(void)context;
	(void)token;
	return gss_fails(minor);
}

OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int type, gss_OID mech,
			     OM_uint32 *context, gss_buffer_t string)
{
	(void)status;
	(void)type;
	(void)mech;
	(void)context;
	(void)string;
	return gss_fails(minor);
}

OM_uint32 gss_import_name(OM_uint32 *minor, gss_buffer_t name, gss_OID type, gss_name_t *out)
{
	(void)name;
	(void)type;
	(void)out;
	return gss_fails(minor);
}

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, gss_OID_set *mechs)
{
	(void)mechs;
	return gss_fails(minor);
}

OM_uint32 gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t credential,
			       gss_ctx_id_t *context, gss_name_t target, gss_OID mech,
			       OM_uint32 flags, OM_uint32 lifetime,
			       gss_channel_bindings_t bindings, gss_buffer_t input,
			       gss_OID *actual_mech, gss_buffer_t output, OM_uint32 *ret_flags,
			       OM_uint32 *time_rec)
{
	(void)credential;
	(void)context;
	(void)target;
	(void)mech;
	(void)flags;
	(void)lifetime;
	(void)bindings;
	(void)input;
	(void)actual_mech;
	(void)output;
	(void)ret_flags;
	(void)time_rec;
	return gss_fails(minor);
}

OM_uint32 gss_release_buffer(OM_uint32 *minor, gss_buffer_t buffer)
{
	(void)buffer;
	return gss_fails(minor);
}

OM_uint32 gss_release_name(OM_uint32 *minor, gss_name_t *name)
{
	(void)name;
	return gss_fails(minor);
}

OM_uint32 gss_release_oid_set(OM_uint32 *minor, gss_OID_set *set)
{
	(void)set;
	return gss_fails(minor);
}

/* ---- libssh2 (libssh2.h's prototypes) ---------------------------------------------- */

int libssh2_agent_connect(LIBSSH2_AGENT *agent)
{
	(void)agent;
	return -1;
}

int libssh2_agent_disconnect(LIBSSH2_AGENT *agent)
{
	(void)agent;
	return -1;
}

void libssh2_agent_free(LIBSSH2_AGENT *agent)
{
	(void)agent;
}

int libssh2_agent_get_identity(LIBSSH2_AGENT *agent, struct libssh2_agent_publickey **store,
			       struct libssh2_agent_publickey *prev)
{
	(void)agent;
	(void)store;
	(void)prev;
	return -1;
}

LIBSSH2_AGENT *libssh2_agent_init(LIBSSH2_SESSION *session)
{
	(void)session;
	return NULL;
}

int libssh2_agent_list_identities(LIBSSH2_AGENT *agent)
{
	(void)agent;
	return -1;
}

int libssh2_agent_userauth(LIBSSH2_AGENT *agent, const char *username,
			   struct libssh2_agent_publickey *identity)
{
	(void)agent;
	(void)username;
	(void)identity;
	return -1;
}

int libssh2_channel_close(LIBSSH2_CHANNEL *channel)
{
	(void)channel;
	return -1;
}

int libssh2_channel_free(LIBSSH2_CHANNEL *channel)
{
	(void)channel;
	return -1;
}

LIBSSH2_CHANNEL *libssh2_channel_open_ex(LIBSSH2_SESSION *session, const char *channel_type,
					 unsigned int channel_type_len, unsigned int window_size,
					 unsigned int packet_size, const char *message,
					 unsigned int message_len)
{
	(void)session;
	(void)channel_type;
	(void)channel_type_len;
	(void)window_size;
	(void)packet_size;
	(void)message;
	(void)message_len;
	return NULL;
}

int libssh2_channel_process_startup(LIBSSH2_CHANNEL *channel, const char *request,
				    unsigned int request_len, const char *message,
				    unsigned int message_len)
{
	(void)channel;
	(void)request;
	(void)request_len;
	(void)message;
	(void)message_len;
	return -1;
}

ssize_t libssh2_channel_read_ex(LIBSSH2_CHANNEL *channel, int stream_id, char *buf, size_t buflen)
{
	(void)channel;
	(void)stream_id;
	(void)buf;
	(void)buflen;
	return -1;
}

void libssh2_channel_set_blocking(LIBSSH2_CHANNEL *channel, int blocking)
{
	(void)channel;
	(void)blocking;
}

ssize_t libssh2_channel_write_ex(LIBSSH2_CHANNEL *channel, int stream_id, const char *buf,
				 size_t buflen)
{
	(void)channel;
	(void)stream_id;
	(void)buf;
	(void)buflen;
	return -1;
}

void libssh2_exit(void)
{
}

const char *libssh2_hostkey_hash(LIBSSH2_SESSION *session, int hash_type)
{
	(void)session;
	(void)hash_type;
	return NULL;
}

int libssh2_init(int flags)
{
	(void)flags;
	return 0;
}

int libssh2_knownhost_checkp(LIBSSH2_KNOWNHOSTS *hosts, const char *host, int port, const char *key,
			     size_t keylen, int typemask, struct libssh2_knownhost **knownhost)
{
	(void)hosts;
	(void)host;
	(void)port;
	(void)key;
	(void)keylen;
	(void)typemask;
	(void)knownhost;
	return -1;
}

void libssh2_knownhost_free(LIBSSH2_KNOWNHOSTS *hosts)
{
	(void)hosts;
}

LIBSSH2_KNOWNHOSTS *libssh2_knownhost_init(LIBSSH2_SESSION *session)
{
	(void)session;
	return NULL;
}

int libssh2_knownhost_readfile(LIBSSH2_KNOWNHOSTS *hosts, const char *filename, int type)
{
	(void)hosts;
	(void)filename;
	(void)type;
	return -1;
}

void **libssh2_session_abstract(LIBSSH2_SESSION *session)
{
	(void)session;
	return NULL;
}

int libssh2_session_disconnect_ex(LIBSSH2_SESSION *session, int reason, const char *description,
				  const char *lang)
{
	(void)session;
	(void)reason;
	(void)description;
	(void)lang;
	return -1;
}

int libssh2_session_free(LIBSSH2_SESSION *session)
{
	(void)session;
	return -1;
}

int libssh2_session_handshake(LIBSSH2_SESSION *session, libssh2_socket_t sock)
{
	(void)session;
	(void)sock;
	return -1;
}

const char *libssh2_session_hostkey(LIBSSH2_SESSION *session, size_t *len, int *type)
{
	(void)session;
	(void)len;
	(void)type;
	return NULL;
}

LIBSSH2_SESSION *libssh2_session_init_ex(LIBSSH2_ALLOC_FUNC((*my_alloc)),
					 LIBSSH2_FREE_FUNC((*my_free)),
					 LIBSSH2_REALLOC_FUNC((*my_realloc)), void *abstract)
{
	(void)my_alloc;
	(void)my_free;
	(void)my_realloc;
	(void)abstract;
	return NULL;
}

int libssh2_session_last_error(LIBSSH2_SESSION *session, char **errmsg, int *errmsg_len,
			       int want_buf)
{
	(void)session;
	(void)errmsg;
	(void)errmsg_len;
	(void)want_buf;
	return -1;
}

int libssh2_session_method_pref(LIBSSH2_SESSION *session, int method_type, const char *prefs)
{
	(void)session;
	(void)method_type;
	(void)prefs;
	return -1;
}

void libssh2_session_set_blocking(LIBSSH2_SESSION *session, int blocking)
{
	(void)session;
	(void)blocking;
}

int libssh2_userauth_authenticated(LIBSSH2_SESSION *session)
{
	(void)session;
	return -1;
}

int libssh2_userauth_keyboard_interactive_ex(LIBSSH2_SESSION *session, const char *username,
					     unsigned int username_len,
					     LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC( (*response_callback)))
{
	(void)session;
	(void)username;
	(void)username_len;
	(void)response_callback;
	return -1;
}

char *libssh2_userauth_list(LIBSSH2_SESSION *session, const char *username,
			    unsigned int username_len)
{
	(void)session;
	(void)username;
	(void)username_len;
	return NULL;
}

int libssh2_userauth_password_ex(LIBSSH2_SESSION *session, const char *username,
				 unsigned int username_len, const char *password,
				 unsigned int password_len,
				 LIBSSH2_PASSWD_CHANGEREQ_FUNC ((*passwd_change_cb)))
{
	(void)session;
	(void)username;
	(void)username_len;
	(void)password;
	(void)password_len;
	(void)passwd_change_cb;
	return -1;
}

int libssh2_userauth_publickey(LIBSSH2_SESSION *session, const char *username,
			       const unsigned char *pubkeydata, size_t pubkeydata_len,
			       LIBSSH2_USERAUTH_PUBLICKEY_SIGN_FUNC ((*sign_callback)),
			       void **abstract)
{
	(void)session;
	(void)username;
	(void)pubkeydata;
	(void)pubkeydata_len;
	(void)sign_callback;
	(void)abstract;
	return -1;
}

int libssh2_userauth_publickey_fromfile_ex(LIBSSH2_SESSION *session, const char *username,
					   unsigned int username_len, const char *publickey,
					   const char *privatekey, const char *passphrase)
{
	(void)session;
	(void)username;
	(void)username_len;
	(void)publickey;
	(void)privatekey;
	(void)passphrase;
	return -1;
}

int libssh2_userauth_publickey_frommemory(LIBSSH2_SESSION *session, const char *username,
					  size_t username_len, const char *publickeyfiledata,
					  size_t publickeyfiledata_len,
					  const char *privatekeyfiledata,
					  size_t privatekeyfiledata_len, const char *passphrase)
{
	(void)session;
	(void)username;
	(void)username_len;
	(void)publickeyfiledata;
	(void)publickeyfiledata_len;
	(void)privatekeyfiledata;
	(void)privatekeyfiledata_len;
	(void)passphrase;
	return -1;
}
