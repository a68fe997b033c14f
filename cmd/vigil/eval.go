package main

import "github.com/spf13/cobra"

func newEvalCmd() *cobra.Command { return &cobra.Command{Use: "eval", Hidden: true} }

func newDemoCmd() *cobra.Command { return &cobra.Command{Use: "demo", Hidden: true} }
