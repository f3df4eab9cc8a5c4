#ifndef CCARDPNG_H
#define CCARDPNG_H
/* The libpng shim: every libpng call runs in shim.c behind its own setjmp. */
int ccard_png_version_number(void);
#endif
