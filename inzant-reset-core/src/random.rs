//! The operating system's random source, and its one failure. Plain facts:
//! nothing here depends on the rest of the crate.

use rand::rngs::{StdRng, SysRng};
use rand::{SeedableRng, TryRng};

/// The source of every random value the flow needs: the operating system's
/// CSPRNG, read directly for tokens and used to seed a fresh ChaCha generator
/// for codes and ids.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

/// The operating system's random source failed.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random number generator failed")]
pub struct RandomnessUnavailable;

impl OsRandom {
    /// A CSPRNG freshly seeded from the operating system.
    pub fn rng(&self) -> Result<StdRng, RandomnessUnavailable> {
        StdRng::try_from_rng(&mut SysRng).map_err(|_| RandomnessUnavailable)
    }

    /// Fills `bytes` straight from the operating system.
    pub fn fill(&self, bytes: &mut [u8]) -> Result<(), RandomnessUnavailable> {
        SysRng.try_fill_bytes(bytes).map_err(|_| RandomnessUnavailable)
    }
}
