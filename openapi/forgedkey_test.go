package openapi

import (
	"context"
	"hash/crc32"
	"os"
	"testing"
)

// TestForgedContentKey (regression): testdata/forgedkey holds two
// descriptions of the same length, CRC-32C and CRC-32 (forged by solving
// the linear system of a few bit flips in a comment), with different
// servers. When the cache was keyed by those CRCs, loading evil.yaml once
// made legit.yaml read evil's entry: its server, so its credentials'
// destination. The key is SHA-256 now.
func TestForgedContentKey(t *testing.T) {
	legitData, err := os.ReadFile("testdata/forgedkey/legit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	evilData, err := os.ReadFile("testdata/forgedkey/evil.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The fixture is what it claims to be: a CRC collision.
	if len(legitData) != len(evilData) ||
		crc32.ChecksumIEEE(legitData) != crc32.ChecksumIEEE(evilData) ||
		crc32.Checksum(legitData, crc32.MakeTable(crc32.Castagnoli)) != crc32.Checksum(evilData, crc32.MakeTable(crc32.Castagnoli)) {
		t.Fatal("testdata/forgedkey no longer collides on length + CRC-32C + CRC-32")
	}
	if contentKey(legitData) == contentKey(evilData) {
		t.Fatal("two different documents share a content key")
	}
	dir := t.TempDir()
	opts := LoadOptions{Operations: []string{"createCharge"}, CacheDir: dir}
	if _, err := Load(context.Background(), "testdata/forgedkey/evil.yaml", opts); err != nil {
		t.Fatal(err)
	}
	legit, err := Load(context.Background(), "testdata/forgedkey/legit.yaml", opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(legit.Servers) == 0 || legit.Servers[0].URL != "https://api.example.com" {
		t.Errorf("legit.yaml loaded with servers %v, want https://api.example.com", legit.Servers)
	}
}
