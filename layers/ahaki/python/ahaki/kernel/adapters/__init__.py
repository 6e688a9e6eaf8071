"""kernel/adapters"""
