fn main() {
    println!("cargo:rerun-if-changed=src/crashers.c");
    // Fixed flags regardless of the cargo profile: the fixtures' expected
    // function names and lines depend on nothing being inlined or folded.
    cc::Build::new()
        .file("src/crashers.c")
        .debug(true)
        .opt_level(0)
        .flag("-fno-omit-frame-pointer")
        .flag("-fno-inline")
        .compile("crashers");
}
