#include "chat.h"
