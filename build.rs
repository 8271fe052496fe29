// Links the addon the way Node-API addons must be linked on each platform (napi-rs's setup).
fn main() {
    napi_build::setup();
}
