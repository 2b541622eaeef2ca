#include "lab-test-utils.h"
int main (int argc, char *argv[]) { lab_test_init (&argc, &argv); return g_test_run (); }
