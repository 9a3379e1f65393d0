// h5archive command line (filled in by the foundation work).
int main() { return 0; }
