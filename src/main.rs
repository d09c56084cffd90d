fn main() {
    println!("zhclean: the CLI is being written");
}
