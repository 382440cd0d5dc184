/* Runs a fuzz target's LLVMFuzzerTestOneInput on files, without libFuzzer: the seed corpus and
 * every crash found (kept in fuzz/corpus/TARGET/regress-*) become ordinary tests of the gcc and
 * sanitizer builds. Usage: replay_TARGET FILE_OR_FOLDER... */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *data = malloc(cap);
	size_t n;
	while (data && (n = fread(data + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *bigger = realloc(data, cap *= 2);
			if (!bigger)
				free(data);
			data = bigger;
		}
	}
	fclose(f);
	if (!data)
		return -1;
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int files = 0, failed = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
			failed += replay_file(argv[i]) < 0;
			files++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		if (!d) {
			perror(argv[i]);
			return 1;
		}
		char **names = NULL;
		size_t count = 0;
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			names = realloc(names, (count + 1) * sizeof(*names));
			names[count] = malloc(strlen(argv[i]) + strlen(e->d_name) + 2);
			sprintf(names[count++], "%s/%s", argv[i], e->d_name);
		}
		closedir(d);
		qsort(names, count, sizeof(*names), compare_names);
		for (size_t k = 0; k < count; k++) {
			printf("%s\n", names[k]);
			fflush(stdout);
			failed += replay_file(names[k]) < 0;
			files++;
			free(names[k]);
		}
		free(names);
	}
	printf("replayed %d files, %d unreadable\n", files, failed);
	return failed ? 1 : files == 0;
}
