#include "CCardPNG.h"
#include <png.h>

int ccard_png_version_number(void) { return (int)png_access_version_number(); }
