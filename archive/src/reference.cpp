#include "h5archive/reference.hpp"
