fn main() {
    napi_build::setup();

    println!("cargo:rerun-if-changed=src/crash.c");
    // Fixed flags whatever the cargo profile: the crashing function must keep
    // its own frame and name, so a symbolicated stack ends in it.
    cc::Build::new()
        .file("src/crash.c")
        .debug(true)
        .opt_level(0)
        .flag("-fno-omit-frame-pointer")
        .flag("-fno-inline")
        .compile("crash_addon_c");
}
