//! One `Task` for the entry points whose pool work is a single call: the work runs on the libuv pool under the
//! panic guard, and a plain function turns its output into the JavaScript value on the JS thread. The parse task
//! keeps a type of its own (cancellation, the report's two outputs).

use crate::guard::guarded;
use napi::bindgen_prelude::*;

type Work<T> = Box<dyn FnOnce() -> Result<T> + Send>;

/// Work for the pool and how its output becomes a JavaScript value.
pub struct PoolJob<T, J> {
    work: Option<Work<T>>,
    finish: fn(T) -> J,
}

/// `work` on the libuv pool, resolved as `finish(output)`.
pub fn pool_job<T, J>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
    finish: fn(T) -> J,
) -> AsyncTask<PoolJob<T, J>>
where
    T: Send + 'static,
    J: ToNapiValue + TypeName,
{
    AsyncTask::new(PoolJob {
        work: Some(Box::new(work)),
        finish,
    })
}

impl<T, J> Task for PoolJob<T, J>
where
    T: Send + 'static,
    J: ToNapiValue + TypeName,
{
    type Output = T;
    type JsValue = J;

    fn compute(&mut self) -> Result<T> {
        // napi-rs computes a task once; a second call would be its bug, said as such rather than a panic.
        let work = self.work.take().ok_or_else(|| {
            Error::new(
                Status::GenericFailure,
                "ERR_INTERNAL: a pool task was computed twice".to_string(),
            )
        })?;
        guarded(work)
    }

    fn resolve(&mut self, _env: Env, output: T) -> Result<J> {
        Ok((self.finish)(output))
    }
}
