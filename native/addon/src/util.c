#include "util.h"

#include <stdlib.h>

void cleanup_freep(void *p)
{
	free(*(void **)p);
}
