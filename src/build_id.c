#define _GNU_SOURCE
#include "build_id.h"

#include <elf.h>
#include <link.h>
#include <string.h>

struct found {
	const unsigned char *id;
	size_t len;
};

/* The notes of one PT_NOTE segment: each a header, its name and its description, both
 * padded to 4 bytes. */
static void search_notes(const unsigned char *at, size_t size, struct found *f)
{
	size_t off = 0;
	while (off + sizeof(ElfW(Nhdr)) <= size) {
		ElfW(Nhdr) note;
		memcpy(&note, at + off, sizeof(note));
		/* (in size_t: a damaged size near 2^32 must not wrap to a small one) */
		size_t name_at = off + sizeof(note);
		size_t desc_at = name_at + (((size_t)note.n_namesz + 3) & ~(size_t)3);
		size_t next = desc_at + (((size_t)note.n_descsz + 3) & ~(size_t)3);
		if (desc_at > size || next > size || next <= off)
			return;
		if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
		    memcmp(at + name_at, "GNU", 4) == 0 && note.n_descsz > 0) {
			f->id = at + desc_at;
			f->len = note.n_descsz;
			return;
		}
		off = next;
	}
}

/* dl_iterate_phdr visits the executable first: its notes are searched, then it stops. */
static int visit(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct found *f = data;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum && !f->id; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_NOTE)
			search_notes((const unsigned char *)(info->dlpi_addr + ph->p_vaddr),
				     ph->p_memsz, f);
	}
	return 1;
}

const unsigned char *build_id(size_t *len)
{
	struct found f = { NULL, 0 };
	dl_iterate_phdr(visit, &f);
	*len = f.len;
	return f.id;
}
