//! The catalogue sample's bindings (see `sample.txt`), compiled with warnings denied; and a
//! fourth of them again with a typed call by name each (`called`), for the test that calls
//! them through the mock.

pub mod apis {
    #![deny(warnings)]
    include!(concat!(env!("OUT_DIR"), "/sample_apis.rs"));
}

pub mod called {
    #![deny(warnings)]
    include!(concat!(env!("OUT_DIR"), "/called_apis.rs"));
}
