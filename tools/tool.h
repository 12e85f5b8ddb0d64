// tool.h: what the subcommands of the lacuna tool share.
#ifndef LACUNA_TOOL_H
#define LACUNA_TOOL_H

#include "lacuna.h"

#endif
