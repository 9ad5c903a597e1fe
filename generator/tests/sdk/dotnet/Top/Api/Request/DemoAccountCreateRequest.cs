using System;
using System.Xml.Serialization;
using System.Collections.Generic;
using Top.Api.Util;

namespace Top.Api.Request
{
    /// <summary>
    /// TOP API: taobao.demo.account.create
    /// </summary>
    public class DemoAccountCreateRequest : BaseTopRequest<Top.Api.Response.DemoAccountCreateResponse>
    {
        /// <summary>
        /// 账号列表
        /// </summary>
        public string ParamList { get; set; }

        public List<AccountDomain> ParamList_ { set { this.ParamList = TopUtils.ObjectToJson(value); } } 

        /// <summary>
        /// 附加对象列表（类型未给出）
        /// </summary>
        public string ExtraList { get; set; }

        #region ITopRequest Members

        public override string GetApiName()
        {
            return "taobao.demo.account.create";
        }

        public override IDictionary<string, string> GetParameters()
        {
            TopDictionary parameters = new TopDictionary();
            parameters.Add("param_list", this.ParamList);
            parameters.Add("extra_list", this.ExtraList);
            if (this.otherParams != null)
            {
                parameters.AddAll(this.otherParams);
            }
            return parameters;
        }

        public override void Validate()
        {
            RequestValidator.ValidateRequired("param_list", this.ParamList);
            RequestValidator.ValidateObjectMaxListSize("param_list", this.ParamList, 20);
            RequestValidator.ValidateObjectMaxListSize("extra_list", this.ExtraList, 10);
        }

	/// <summary>
/// AccountDomain Data Structure.
/// </summary>
[Serializable]

public class AccountDomain : TopObject
{
	        /// <summary>
	        /// 登录名
	        /// </summary>
	        [XmlElement("login_id")]
	        public string LoginId { get; set; }
	
	        /// <summary>
	        /// 创建时间
	        /// </summary>
	        [XmlElement("gmt_create")]
	        public Nullable<DateTime> GmtCreate { get; set; }
	
	        /// <summary>
	        /// 标签
	        /// </summary>
	        [XmlArray("tags")]
	        [XmlArrayItem("string")]
	        public List<string> Tags { get; set; }
}

        #endregion
    }
}
