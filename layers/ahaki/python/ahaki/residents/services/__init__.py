"""residents/services"""
