// Write benchmark (filled in by the foundation work).
int main() { return 0; }
