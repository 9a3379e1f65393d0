#include "h5archive/array.hpp"
