#include "h5archive/dataset_io.hpp"
