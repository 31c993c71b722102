fn main() {
    conum::launch();
}
