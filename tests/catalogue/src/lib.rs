//! The catalogue sample's bindings (see `sample.txt`), compiled with warnings denied.

pub mod apis {
    #![deny(warnings)]
    include!(concat!(env!("OUT_DIR"), "/sample_apis.rs"));
}
