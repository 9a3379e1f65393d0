#include "h5archive/dtype.hpp"
