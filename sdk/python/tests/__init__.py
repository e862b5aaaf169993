"""Tests of pledge_sdk against a real pledge-server (PLEDGE_SERVER names its binary)."""
