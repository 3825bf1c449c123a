//! ONL: patients online — free slots, booking, amending and cancelling
//! appointments, and repeat prescription requests.

pub mod appointments;
pub mod repeats;
pub mod slots;
