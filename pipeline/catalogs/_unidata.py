"""Line-break classes and display widths of every code point, as libunistring 1.0 has them.

GENERATED — do not edit. Regenerate with ``python -m tests.test_wrapping --regenerate`` on a machine
whose libunistring is the one GNU gettext links to; ``tests/test_wrapping.py`` checks that this
table still equals what the installed library says.

The data are the ranges of code points sharing a (line-break class, ``uc_width``) pair, as
zlib-compressed base85 of: for each range, the distance from the previous range's start (LEB128)
then one byte ``class << 2 | (width + 1)``. Classes use libunistring's numbering (``LBP_*``,
Unicode 14.0.0); width -1 marks control characters, which line breaking ignores.
"""

DATA = (
    "c-rk*O>A996=r_!&%5uvYy0KTKZ)(6&P(bfcH*XSFeOP{>Qbj_o8y+YLb_AE6sihUNNxo}NO6FOB2iH0MP(6*BE8"
    "gaG2S2{QFVhV1Y!XK7EpD;qO4f3petb2@||<9jq{@l_F0@ab7#(+IX^S!oH_4PUR_Na>UDKRe@|U)T~}?jphzvNC"
    "HyX^IW;a{XVh-M<7zQGqsg=tjm=>cbNl90u10}#HNK**j>cHAq?Qe-o(2f5rXr0ojI{98ixyPR%qiN_Q#1kigXyU"
    "jh5$eWBt6SZ38OUWpNN!iM2T-w8Z_B67!Q_`z^$U4fDe>UsLx+*U>rXKhS2I|jQC@@^1$?(p^bh>SI2@~wWLG+LQ"
    "H1KKp^ewJl8gK#P3?nmeeAI#JY=ZUYlIt-xyd-1uGXb-d9Eyjr%d|_MESSpByv$eT})~l|g&8tZ6saD2yr(wfG3w"
    "1K@SU8}yj#dWdKO^mK@QO4EM$g7TAHMW?*#3in;()2_uA@1IcSb<R8t@d(zlUNm4g`lVhBS>9V#q6aJhe}}Zo+T&"
    "HmV-!^MlBQ@$j0_2xXWeD4V!`__RlNm_#guihOapR2S0TZkyhE}G{zQ8!WEHI%?+4gUE85~Pf}I4fEBj;J0P9+~1"
    "6QC7?E~k|(r%}vL}S||4vA2{S>hCYm8U0$rkF2_R#zuVOP|LLHG*X-pk}&8WG?xOyQQsb%e*G?G6TA$lzRY!B}d+"
    "Lp%rL|xdJbO!4&kSgdxExukjwOn<-@5<VtvN(T@%ZxQR<kR1}!!CgjvxdcK!Ws@Ps_@(mnI2B#{kv`|}O`8T!Ng0"
    "#bxrI@=!Y-+KRd1u?CA;w<3iwceY@paYL>q)T7s-LW<1jmr;aIg<rd=vYyX@9utXM$TpU&}bg)??vZ_idQOJ;(iM"
    "=@^i!Shb@VJha7Lggq&%?y$fdoDBo`U~Ns|4Ca`Ra=zn{uY=pEpmMDAA|Gj{3f)FA^LK3B_OUxagD2e=zRC7e^zF"
    "Lo4`RM4{OW$p?PAt9+`_krtwlS>Uwr<h&%gXEJt}8MZ+Ro`-&?i&?=Z*r{?k?eA-*{TUqxfk{U~hu1&l&382Q-ZX"
    "OzXn)cM@NMI_Y1VN#(+JNQUL*)@#l(4b~%bnf?0vPkO*#9<NYxt@W#K??vwsdXi4kBLFI;YQdax7n>2xLGB0&tb0"
    "!$~@ppftNzY?um~wb~e?Oh;cA1yP7tuXk1KN?;j1eKgtIMMmA8|yw}yG*8NlK%mLIPE%TQ`#Tg%Q-j|`D<7*<E@D"
    ">MkRxWcSmpbyL!Ht+p<rc@dMm1<bTnCNwweO1Sf>QZ-AC=Xbk3Ns#kf(IGo5GRuwJ~{w{cy>FIhFIpN$3c;tcO&b"
    "bhFEj*76bJtJ9SL0$seT{5krOE)6B&hTF6<@g_`Q?0&Rt?p$yb?Lf;{ldn5)@+4Ndc>}V21GM?r=Q@*^xuECN0^;"
    "KWf9YwHtM6)$E3uUFTu;q_-Wj<9GjLF1Ti78tN?l-Ald*F|@JtzlgD8Tj^s#p{nB@eKI0smOL}kE$-w&5-I0#?`w"
    ">1vMaBdlRNYOuxHmbt2>NUvrG8*WKQ$g=^uUvUVTFA+qGo^BTSuz2v;q|tn!4OLuVa#GhR;}QDnnHnbwLq(Cn-xw"
    "SFansJRy4fn5-8^6!2xStjVbztT7k!Ns?bi+ePIN~-PQXE@B0|`I|v$svPUMFN&-2{J?vI%gjdEH1h7t;E5I$RNU"
    "238;5lFypj((r*o;OBBeIHYD-CK0ea?tfQD#M@J_f+nj+Ii!3T+D7LrxbF!1Qc^F|=6Yu)2^v0H)F<gzCkZ(=v~J"
    "FL8^}A^|O3=rw&w(<u7)0GPgA!P*<p-$KlH9vquZ&D{xl<5-2DfR#BQ5)Dt>36rjUBB9&R&u;Z5<@d)LlHbQ1-r&"
    "<ZikmWt)A~O9M;)Rz4mZbxT;1e@Pjg;?OfUBwFKgmwKLPyYLY}9*f)iHK3!33p-g3)%o46Pp_)PQ8Ik3u=G75)x+"
    "bR_fxX}&ep4(`+_teIyYi!s7HKv`Og@yPu-U_#m&hoEznYY)pi>@gb&1$yp24>u?Fans^_8kl84fwWMixK_5u5gy"
    "|HzIcg>=%HiHX5^oZUVi-z0`epiq5$=-r@!SN;iy~->A_Hl<)(%EV0NSXOLkhoHggT8S-^aPqMSjBRJgOvavQ3t0"
    ")Z9pjVO_vS-~>`fKjP6Q}Hb5PeRz5SNgqYMSc~!c(WYL@eK;tR)F5Hr(qmN_%`AUL9%oi~EqQm?~oEDh?Qmb5o|I"
    "SPxIqj}UV*M5ag*q*$;x7Sx2Jl;cF1l(0AL?*;aK5~++N1Cc~lPF{xl5!EHOXg&@cpAaGADi*}sj^YE@_mwh%WXL"
    "5!EhF$V>WgD{;V#^TyKooo!v6!I@zS1PUp^78EV|2F3Tq&?MyrS|s~M?Pya!hi<5m%KS9Jv$y%GlL@0#-!dJ<vk6"
    "lYI(dpDLiAP=5J>Ty;dlBDE_+KBz2i|&-R+@8X?1b`N43f8-uF;b)v>b!aczZ;e~@V<ulr+|D2%VnY@qDvyKj*P@"
    "$Zfw5%-dD9kZd9F8qj=F4Y9=d=&FEqxm;y0(3rsMNU^{2dYl*;_H*X?0hPVxUkIE~oEEo-7EDs0hn<2{i9eWHJ$g"
    "|}O32K?8V~Eq=R)oZYPJ{u^Z*)sj2<_uYXxbj?MvwEKDU7E%CpXjd=H}~qN{}rbMhbKi8A_vi3vQOH>NkBqL~nBv"
    "vO92PYFHkN(^83fSP}|OosL#@DHdgq?E45v*TV5iposS4Ny{Q~ZhQ{8v8A2Bo%Lm5AVPL#tJ=^$sn~G>hDR^wwKx"
    "gqa1su3J&&S1p5`LMDbP#6lZNCG=yG+h0fwKXN5ec`Q%yiZ)82*@BIBh$QL@c%St-yxF4FJzb!@YnTEak^_99h8v"
    "R)SI=zc%IX*M&v$R#-`u!frCa>uxQ#rYZO3rNd3$GX6jN4UU<e9+L8)CTbOUd;FfEQP6*?(t>enCWnKc^q_Vn6r}"
    "9bNN=XFfJ`JR&Jz-T&EV7WVzfWxf;t+J_0yndvIG3r?gy_bFMlog}*dJ!jb-j@}$%cgz{!_(rgtHBZ_#$bIC0V--"
    "lYH-mAT&mSEgg)wQw)X2Q4#6^jzBFN+hE9gqW8CEseI1sU4NQu6`gV(kH0nr@R388ma>YK9$jq%1gNR)}Mct1_qh"
    "V?j$6%%w9}3pq3%M*TFrgOe%hEz2V>&^fLv;+&*ajWewjFx-u~dRf+%%Svr&2B^P=EtX`(p^|ma%vVN)dd9f=D+l"
    "2)v&9v7F`WEzJ-?baG$Umjd9$?)^wq>!eXT5t9^`sX5JY*J;2nUgV_IBh9LJWh7Gp?O&ll#=E!(wyETvE$<(iOeD"
    "YrbXFebZEIa_J9DuRcfYbn*Sir-dJ)ZVvbX(%*tQLiWA%k<U2tkmgOD*SFIT?D`H+c`6elRdiaZBGB-M$^y0LzJ9"
    "QBP#r6f_^Xa^!4!0L-dZtRh$U&&Vfar2xT3Q<%)8Cn;iEEl#=CAl9z%pOScOrZ%6oPM9;`E_!6BLub{f~A;C3ihI"
    "6wvQlWlLhur;pHl*%yyz-t2)2<f&_V5a>!V1W&KyY_MhhwuQ49(&gy4Ov((xR_`I(t*DtjU{-Jp;`9mnlC3#`wkl"
    "YIuPD$^0F{`~zY_(?#fkA4q5%EPOWXqD8L9h3kAt8}tlTjfB?}JssEu%AXNsF`fS!!gr&(r!3!tRiQPlzV}x5H>&"
    "<3;jusQ!ne2}K1Y|WpT{Mc<EJ2TRYCL3gZF3i4un6Z(D7f(V>Be!wLB70__N~p0iF}_|NLjeyBY$hFhoZ^u1koPR"
    "rsKM7uu}|r0CbodJUBBrO)xv;;R+xoDM#w&n%UdI2#^=9)4La9IF<qDlTLd!Lsle%Rgh=3z6m){99pj&Q>b2+vqX"
    "vAsEqADjNzXf&W8YSf`3Z9b3H6X%qt;4Nyhy6n+nOvR<<=y>ZgL1v1>bp?dm8)@v22bNXwe&RlG|qZh5KT}+(5n7"
    "jDmb>;RK4Oc6aTLL6&%H>7M1uVB~MZ0K4xoFKejd8#w9*=-ORB&a_IP;yzo#hf(q1H4o>TcKC4rhREu}T4$qGGC`"
    "q$-GbUi#WCbA50naf2(lYjU{`)GT1QXka(Hrixvc6k1(0vCAx_1!6SjmqFXCAsbjQGls0Y2Q&vURzn*V@tSZ4+NK"
    "kstvlT@P+hHK=+#bxo-S-Bag7d?*%=_Tbh?vL)`{sb+Ht5=cOIukDYZ-2QU{8lor$E73LG5A$Y&w75>RePByPF`^"
    "b|~!cc7_`5lA{Uw-0Tdd08`^%wZ>&cG5M>&^0#qd^pHnqw^6CvHR#_vr+wqZ(Tl&lRWO950{nyP=)^hM>zk-"
)
