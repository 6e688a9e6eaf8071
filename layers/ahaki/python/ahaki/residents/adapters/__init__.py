"""residents/adapters"""
