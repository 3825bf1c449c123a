//! The register's transparency log as an RFC 6962 / RFC 9162 Merkle tree:
//! leaf = SHA-256(0x00 ‖ entry bytes), node = SHA-256(0x01 ‖ left ‖ right).
//! Tree building and proofs come from `ct-merkle` (an RFC 6962
//! implementation); this module adapts it to byte-string leaves and hex, and
//! its tests hold it to the RFC's published vectors and to an independent
//! verifier written from RFC 9162 §2.1.3.2 and §2.1.4.2.

use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// A log as a tree over its entries' exact bytes.
pub struct Tree {
    inner: MemoryBackedTree<Sha256, Vec<u8>>,
}

/// An inclusion proof as printed and exchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionDoc {
    pub index: u64,
    pub tree_size: u64,
    /// SHA-256(0x00 ‖ entry), hex.
    pub leaf_hash: String,
    pub root: String,
    /// Sibling hashes from the leaf up, hex.
    pub proof: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyDoc {
    pub old_size: u64,
    pub new_size: u64,
    pub old_root: String,
    pub new_root: String,
    pub proof: Vec<String>,
}

pub fn leaf_hash(entry: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

impl Tree {
    pub fn new<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut inner = MemoryBackedTree::new();
        for e in entries {
            inner.push(e.to_vec());
        }
        Self { inner }
    }

    pub fn len(&self) -> u64 {
        self.inner.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// The tree head: SHA-256 of the empty string for an empty tree.
    pub fn root(&self) -> [u8; 32] {
        if self.inner.is_empty() {
            return Sha256::digest([]).into();
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(self.inner.root().as_bytes());
        out
    }

    /// Proof that entry `index` is in this tree; `None` if it is not.
    pub fn prove_inclusion(&self, index: u64) -> Option<InclusionDoc> {
        let entry = self.inner.get(usize::try_from(index).ok()?)?;
        let proof = self.inner.prove_inclusion(usize::try_from(index).ok()?);
        Some(InclusionDoc {
            index,
            tree_size: self.len(),
            leaf_hash: hex::encode(leaf_hash(entry)),
            root: hex::encode(self.root()),
            proof: proof.as_bytes().chunks(32).map(hex::encode).collect(),
        })
    }

    /// Proof that the first `old_size` entries are a prefix of this tree.
    pub fn prove_consistency(&self, old_size: u64) -> Option<ConsistencyDoc> {
        if old_size == 0 || old_size > self.len() {
            return None;
        }
        let old = Tree::new(self.inner.items()[..usize::try_from(old_size).ok()?].iter().map(Vec::as_slice));
        let proof = if old_size == self.len() {
            Vec::new()
        } else {
            let p = self.inner.prove_consistency(usize::try_from(self.len() - old_size).ok()?);
            p.as_bytes().chunks(32).map(hex::encode).collect()
        };
        Some(ConsistencyDoc {
            old_size,
            new_size: self.len(),
            old_root: hex::encode(old.root()),
            new_root: hex::encode(self.root()),
            proof,
        })
    }
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    let v = hex::decode(s).ok()?;
    v.try_into().ok()
}

fn concat(proof: &[String]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(proof.len() * 32);
    for p in proof {
        out.extend_from_slice(&unhex32(p)?);
    }
    Some(out)
}

/// Checks an inclusion proof for `entry` against the root it names.
pub fn verify_inclusion(entry: &[u8], doc: &InclusionDoc) -> bool {
    let (Some(root), Some(proof)) = (unhex32(&doc.root), concat(&doc.proof)) else { return false };
    if hex::encode(leaf_hash(entry)) != doc.leaf_hash || doc.tree_size == 0 {
        return false;
    }
    let root = RootHash::<Sha256>::new(root.into(), doc.tree_size);
    root.verify_inclusion(&entry.to_vec(), doc.index, &InclusionProof::from_bytes(proof)).is_ok()
}

/// Checks a consistency proof between the two roots it names.
pub fn verify_consistency(doc: &ConsistencyDoc) -> bool {
    let (Some(old), Some(new), Some(proof)) = (unhex32(&doc.old_root), unhex32(&doc.new_root), concat(&doc.proof))
    else {
        return false;
    };
    if doc.old_size == 0 || doc.old_size > doc.new_size {
        return false;
    }
    if doc.old_size == doc.new_size {
        return proof.is_empty() && old == new;
    }
    let Ok(proof) = ConsistencyProof::<Sha256>::try_from_bytes(proof) else { return false };
    RootHash::<Sha256>::new(new.into(), doc.new_size)
        .verify_consistency(&RootHash::new(old.into(), doc.old_size), &proof)
        .is_ok()
}

#[cfg(test)]
mod tests;
