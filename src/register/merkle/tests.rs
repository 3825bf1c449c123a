//! The tree against RFC 6962's published vectors and against an independent
//! verifier written from RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2
//! (consistency), for every tree size up to 64.

use super::*;

/// The Certificate Transparency test leaves (RFC 6962 reference tests).
const LEAVES: [&str; 8] =
    ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
/// Tree heads for sizes 0..=8.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn leaves() -> Vec<Vec<u8>> {
    LEAVES.iter().map(|h| hex::decode(h).expect("hex")).collect()
}

fn tree(entries: &[Vec<u8>]) -> Tree {
    Tree::new(entries.iter().map(Vec::as_slice))
}

#[test]
fn roots_match_rfc_6962_for_sizes_0_to_8() {
    let all = leaves();
    for n in 0..=8 {
        assert_eq!(hex::encode(tree(&all[..n]).root()), ROOTS[n], "size {n}");
    }
}

#[test]
fn inclusion_proofs_match_the_published_vectors() {
    let all = leaves();
    // (leaf index, tree size, audit path) from the CT reference tests.
    let vectors: [(u64, usize, &[&str]); 4] = [
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (2, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (
            1,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    for (index, size, path) in vectors {
        let doc = tree(&all[..size]).prove_inclusion(index).expect("in range");
        assert_eq!(doc.proof, path, "leaf {index} of {size}");
        assert!(verify_inclusion(&all[index as usize], &doc));
    }
}

#[test]
fn consistency_proofs_match_the_published_vectors() {
    let all = leaves();
    let vectors: [(u64, usize, &[&str]); 4] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    for (old, size, path) in vectors {
        let doc = tree(&all[..size]).prove_consistency(old).expect("valid sizes");
        assert_eq!(doc.proof, path, "{old} -> {size}");
        assert_eq!(doc.old_root, ROOTS[old as usize]);
        assert!(verify_consistency(&doc));
    }
}

// ---- an independent verifier, straight from RFC 9162 ----------------------

fn node(l: &[u8; 32], r: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(l);
    h.update(r);
    h.finalize().into()
}

fn h32(s: &str) -> [u8; 32] {
    hex::decode(s).expect("hex").try_into().expect("32 bytes")
}

/// RFC 9162 §2.1.3.2.
fn rfc_verify_inclusion(leaf: &[u8], index: u64, size: u64, path: &[String], root: &[u8; 32]) -> bool {
    if index >= size {
        return false;
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = leaf_hash(leaf);
    for p in path {
        let p = h32(p);
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node(&p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node(&r, &p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && &r == root
}

/// RFC 9162 §2.1.4.2.
fn rfc_verify_consistency(
    first: u64,
    second: u64,
    path: &[String],
    first_root: &[u8; 32],
    second_root: &[u8; 32],
) -> bool {
    if first == 0 || first > second {
        return false;
    }
    if first == second {
        return path.is_empty() && first_root == second_root;
    }
    let mut path: Vec<[u8; 32]> = path.iter().map(|p| h32(p)).collect();
    if first.is_power_of_two() {
        path.insert(0, *first_root);
    }
    let Some((&c0, rest)) = path.split_first() else { return false };
    let (mut f_n, mut s_n) = (first - 1, second - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut fr, mut sr) = (c0, c0);
    for c in rest {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            fr = node(c, &fr);
            sr = node(c, &sr);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            sr = node(&sr, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    &fr == first_root && &sr == second_root && s_n == 0
}

fn entries(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("{{\"seq\":{i},\"entry\":\"{}\"}}", "x".repeat(i % 7)).into_bytes()).collect()
}

#[test]
fn every_inclusion_proof_up_to_64_verifies_and_fails_when_tampered() {
    let all = entries(64);
    for size in 1..=64 {
        let t = tree(&all[..size]);
        let root = t.root();
        for index in 0..size as u64 {
            let doc = t.prove_inclusion(index).expect("in range");
            let leaf = &all[index as usize];
            assert!(verify_inclusion(leaf, &doc), "ours: {index} of {size}");
            assert!(rfc_verify_inclusion(leaf, index, size as u64, &doc.proof, &root), "RFC: {index} of {size}");
            // A wrong entry, a wrong index, a flipped path hash, a short path.
            assert!(!verify_inclusion(b"forged", &doc));
            if size > 1 {
                let other = InclusionDoc { index: (index + 1) % size as u64, ..doc.clone() };
                assert!(!verify_inclusion(leaf, &other), "{index} of {size} verified at another index");
                let mut flipped = doc.clone();
                let mut h = h32(&flipped.proof[0]);
                h[0] ^= 1;
                flipped.proof[0] = hex::encode(h);
                assert!(!verify_inclusion(leaf, &flipped));
                assert!(!rfc_verify_inclusion(leaf, index, size as u64, &flipped.proof, &root));
                let mut short = doc.clone();
                short.proof.pop();
                assert!(!verify_inclusion(leaf, &short));
            }
        }
        assert!(t.prove_inclusion(size as u64).is_none(), "no proof past the end");
    }
}

#[test]
fn every_consistency_proof_up_to_64_verifies_and_fails_when_tampered() {
    let all = entries(64);
    for new in 1..=64usize {
        let t = tree(&all[..new]);
        for old in 1..=new as u64 {
            let doc = t.prove_consistency(old).expect("valid sizes");
            assert!(verify_consistency(&doc), "ours: {old} -> {new}");
            assert!(
                rfc_verify_consistency(old, new as u64, &doc.proof, &h32(&doc.old_root), &h32(&doc.new_root)),
                "RFC: {old} -> {new}"
            );
            // A rewritten history: the same sizes over a changed first entry.
            let mut rewritten: Vec<Vec<u8>> = all[..new].to_vec();
            rewritten[0] = b"rewritten".to_vec();
            let forged_old = hex::encode(tree(&rewritten[..old as usize]).root());
            let bad = ConsistencyDoc { old_root: forged_old, ..doc.clone() };
            assert!(!verify_consistency(&bad), "{old} -> {new} accepted a rewritten old root");
            if !doc.proof.is_empty() {
                let mut flipped = doc.clone();
                let last = flipped.proof.len() - 1;
                let mut h = h32(&flipped.proof[last]);
                h[31] ^= 1;
                flipped.proof[last] = hex::encode(h);
                assert!(!verify_consistency(&flipped), "{old} -> {new} accepted a flipped proof");
            }
        }
        assert!(t.prove_consistency(0).is_none() && t.prove_consistency(new as u64 + 1).is_none());
    }
}
