/* Public C API of the h5archive VOL connector. */
