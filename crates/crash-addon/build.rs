fn main() {
    napi_build::setup();

    println!("cargo:rerun-if-changed=src/crash.c");
    println!("cargo:rerun-if-changed=src/crashpad_client.c");
    println!("cargo:rerun-if-changed=src/crashpad_client.h");
    // Fixed flags whatever the cargo profile: the crashing function must keep
    // its own frame and name, so a symbolicated stack ends in it.
    cc::Build::new()
        .file("src/crash.c")
        .debug(true)
        .opt_level(0)
        .flag("-fno-omit-frame-pointer")
        .flag("-fno-inline")
        .compile("crash_addon_c");
    cc::Build::new()
        .file("src/crashpad_client.c")
        .debug(true)
        .flag("-std=gnu11")
        .warnings(true)
        .extra_warnings(true)
        .compile("crashpad_client_c");
}
