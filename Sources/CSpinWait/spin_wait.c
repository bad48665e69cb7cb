// The module is its header's inline function; this file makes it a target of its own.
#include "spin_wait.h"
